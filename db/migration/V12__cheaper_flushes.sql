-- The flush of internal samples folds the minutes it writes into their hour and day rollups in the same
-- statement, instead of recomputing every touched hour and day from its minutes under per-day advisory
-- locks (V10). A minute the statement creates only adds one value to the maxima of its hour and day, so
-- greatest() is exact. A minute that already existed may have a lower calculated value than before (a
-- later sample replaced its last value), so its hours and days are then recomputed from their minutes.
--
-- Why that recomputation sees every writer: each flush merges all minutes it writes into their hours and
-- days in the statement that writes the minutes, so the row locks of those upserts order all writers of
-- an hour or day. When the recomputation runs (the next statement, a new snapshot), every earlier writer
-- of the hour has committed; a later one waits for this transaction and merges into the recomputed row.
--
-- Tag numbers are read once per tag of the statement rather than once per sample.
--
-- Writers may stage rows in temporary tables of their own (internal.create_session_staging(), which the
-- service calls in every write transaction): the same flush triggers, but the tables are emptied at commit (ON
-- COMMIT DELETE ROWS truncates them) instead of by a DELETE that must scan every row version concurrent
-- writers left in a shared staging table. The shared staging tables (V4) stay the interface for others.

-- Removes a flushed statement's rows from the staging table that fired the trigger. Other transactions'
-- staged rows are invisible here, so this removes exactly this transaction's rows, all flushed already.
-- A session's temporary staging table is left alone: it is emptied at commit.
CREATE FUNCTION internal.clear_staged(p_table regclass) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF (SELECT c.relpersistence FROM pg_catalog.pg_class c WHERE c.oid = p_table) <> 't' THEN
		EXECUTE pg_catalog.format('DELETE FROM %s', p_table);
	END IF;
END
$$;

CREATE OR REPLACE FUNCTION internal.flush_staged_internal_samples() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	n bigint;
	hours internal.rollup_hour[];
BEGIN
	WITH inserted AS (
		-- Sorted by the unique key so that concurrent writers take their row locks in the same order.
		INSERT INTO internal.prometheus_remote_write AS r (time, tag_id, name, schema, value)
		SELECT DISTINCT ON (s.time, s.tag_id, s.name, s.schema) s.time, s.tag_id, s.name, s.schema, s.value
		FROM staged s
		ORDER BY s.time, s.tag_id, s.name, s.schema, s.value
		ON CONFLICT DO NOTHING
		RETURNING r.time, r.tag_id, r.name, r.schema, r.value
	),
	tag_numbers AS MATERIALIZED (
		SELECT t.tag_id, internal.to_numeric_or_null(t.supply) AS supply,
			internal.to_numeric_or_null(t.excluded_supply) AS excluded_supply, internal.to_numeric_or_null(t.amount) AS amount
		FROM internal.prometheus_remote_write_tag t
		WHERE t.tag_id IN (SELECT i.tag_id FROM inserted i)
	),
	metric AS (
		INSERT INTO internal.metric_rollup_1m AS m (bucket, name, schema, max_supply, max_excluded_supply, max_amount,
			max_value, last_time, last_tag_id, last_value)
		SELECT internal.time_bucket('1 minute', r.time), r.name, r.schema, max(t.supply), max(t.excluded_supply),
			max(t.amount), max(r.value), max(r.time),
			(array_agg(r.tag_id ORDER BY r.time DESC, r.tag_id DESC))[1],
			(array_agg(r.value ORDER BY r.time DESC, r.tag_id DESC))[1]
		FROM inserted r
		LEFT JOIN tag_numbers t ON t.tag_id = r.tag_id
		GROUP BY r.name, r.schema, 1
		ORDER BY 2, 3, 1
		ON CONFLICT (name, schema, bucket) DO UPDATE SET
			max_supply = greatest(m.max_supply, excluded.max_supply),
			max_excluded_supply = greatest(m.max_excluded_supply, excluded.max_excluded_supply),
			max_amount = greatest(m.max_amount, excluded.max_amount),
			max_value = greatest(m.max_value, excluded.max_value),
			last_time = CASE WHEN internal.is_later(excluded.last_time, excluded.last_tag_id, m.last_time, m.last_tag_id)
				THEN excluded.last_time ELSE m.last_time END,
			last_tag_id = CASE WHEN internal.is_later(excluded.last_time, excluded.last_tag_id, m.last_time, m.last_tag_id)
				THEN excluded.last_tag_id ELSE m.last_tag_id END,
			last_value = CASE WHEN internal.is_later(excluded.last_time, excluded.last_tag_id, m.last_time, m.last_tag_id)
				THEN excluded.last_value ELSE m.last_value END
		-- xmax is 0 on a row version this statement inserted and set on one it updated (the upsert's row lock)
		RETURNING m.bucket, m.name, m.schema, m.max_supply, m.max_excluded_supply, m.max_amount, m.max_value,
			coalesce(m.max_supply, m.max_excluded_supply, m.max_amount, m.last_value) AS calculated, m.xmax = 0 AS created
	),
	hours AS (
		INSERT INTO internal.metric_rollup_1h AS t
		SELECT internal.time_bucket('1 hour', c.bucket), c.name, c.schema, max(c.max_supply), max(c.max_excluded_supply),
			max(c.max_amount), max(c.max_value), max(c.calculated)
		FROM metric c
		GROUP BY c.name, c.schema, 1
		ORDER BY 2, 3, 1
		ON CONFLICT (name, schema, bucket) DO UPDATE SET
			max_supply = greatest(t.max_supply, excluded.max_supply),
			max_excluded_supply = greatest(t.max_excluded_supply, excluded.max_excluded_supply),
			max_amount = greatest(t.max_amount, excluded.max_amount),
			max_value = greatest(t.max_value, excluded.max_value),
			max_calculated = greatest(t.max_calculated, excluded.max_calculated)
	),
	days AS (
		INSERT INTO internal.metric_rollup_1d AS t
		SELECT internal.time_bucket('1 day', c.bucket), c.name, c.schema, max(c.max_supply), max(c.max_excluded_supply),
			max(c.max_amount), max(c.max_value), max(c.calculated)
		FROM metric c
		GROUP BY c.name, c.schema, 1
		ORDER BY 2, 3, 1
		ON CONFLICT (name, schema, bucket) DO UPDATE SET
			max_supply = greatest(t.max_supply, excluded.max_supply),
			max_excluded_supply = greatest(t.max_excluded_supply, excluded.max_excluded_supply),
			max_amount = greatest(t.max_amount, excluded.max_amount),
			max_value = greatest(t.max_value, excluded.max_value),
			max_calculated = greatest(t.max_calculated, excluded.max_calculated)
	),
	coords AS (
		INSERT INTO geo.coords_rollup_1m AS g
		SELECT internal.time_bucket('1 minute', r.time), t.instance,
			max(r.time) FILTER (WHERE r.name = 'manifest_geo_latitude'),
			(array_agg(r.tag_id ORDER BY r.time DESC, r.tag_id DESC) FILTER (WHERE r.name = 'manifest_geo_latitude'))[1],
			(array_agg(r.value ORDER BY r.time DESC, r.tag_id DESC) FILTER (WHERE r.name = 'manifest_geo_latitude'))[1],
			max(r.time) FILTER (WHERE r.name = 'manifest_geo_longitude'),
			(array_agg(r.tag_id ORDER BY r.time DESC, r.tag_id DESC) FILTER (WHERE r.name = 'manifest_geo_longitude'))[1],
			(array_agg(r.value ORDER BY r.time DESC, r.tag_id DESC) FILTER (WHERE r.name = 'manifest_geo_longitude'))[1],
			max(r.time) FILTER (WHERE r.name = 'manifest_geo_metadata'),
			(array_agg(r.tag_id ORDER BY r.time DESC, r.tag_id DESC) FILTER (WHERE r.name = 'manifest_geo_metadata'))[1],
			(array_agg(t.country_name ORDER BY r.time DESC, r.tag_id DESC) FILTER (WHERE r.name = 'manifest_geo_metadata'))[1],
			(array_agg(t.city ORDER BY r.time DESC, r.tag_id DESC) FILTER (WHERE r.name = 'manifest_geo_metadata'))[1]
		FROM inserted r
		JOIN internal.prometheus_remote_write_tag t ON t.tag_id = r.tag_id
		WHERE r.schema = 'geo' AND t.instance IS NOT NULL
			AND r.name IN ('manifest_geo_latitude', 'manifest_geo_longitude', 'manifest_geo_metadata')
		GROUP BY t.instance, 1
		ORDER BY 1, 2
		ON CONFLICT (bucket, instance) DO UPDATE SET
			latitude_time = CASE WHEN internal.is_later(excluded.latitude_time, excluded.latitude_tag_id, g.latitude_time, g.latitude_tag_id)
				THEN excluded.latitude_time ELSE g.latitude_time END,
			latitude_tag_id = CASE WHEN internal.is_later(excluded.latitude_time, excluded.latitude_tag_id, g.latitude_time, g.latitude_tag_id)
				THEN excluded.latitude_tag_id ELSE g.latitude_tag_id END,
			latitude = CASE WHEN internal.is_later(excluded.latitude_time, excluded.latitude_tag_id, g.latitude_time, g.latitude_tag_id)
				THEN excluded.latitude ELSE g.latitude END,
			longitude_time = CASE WHEN internal.is_later(excluded.longitude_time, excluded.longitude_tag_id, g.longitude_time, g.longitude_tag_id)
				THEN excluded.longitude_time ELSE g.longitude_time END,
			longitude_tag_id = CASE WHEN internal.is_later(excluded.longitude_time, excluded.longitude_tag_id, g.longitude_time, g.longitude_tag_id)
				THEN excluded.longitude_tag_id ELSE g.longitude_tag_id END,
			longitude = CASE WHEN internal.is_later(excluded.longitude_time, excluded.longitude_tag_id, g.longitude_time, g.longitude_tag_id)
				THEN excluded.longitude ELSE g.longitude END,
			metadata_time = CASE WHEN internal.is_later(excluded.metadata_time, excluded.metadata_tag_id, g.metadata_time, g.metadata_tag_id)
				THEN excluded.metadata_time ELSE g.metadata_time END,
			metadata_tag_id = CASE WHEN internal.is_later(excluded.metadata_time, excluded.metadata_tag_id, g.metadata_time, g.metadata_tag_id)
				THEN excluded.metadata_tag_id ELSE g.metadata_tag_id END,
			country_name = CASE WHEN internal.is_later(excluded.metadata_time, excluded.metadata_tag_id, g.metadata_time, g.metadata_tag_id)
				THEN excluded.country_name ELSE g.country_name END,
			city = CASE WHEN internal.is_later(excluded.metadata_time, excluded.metadata_tag_id, g.metadata_time, g.metadata_tag_id)
				THEN excluded.city ELSE g.city END
	)
	SELECT (SELECT count(*) FROM inserted),
		(SELECT array_agg(ROW(h.name, h.schema, h.bucket)::internal.rollup_hour)
		FROM (SELECT DISTINCT x.name, x.schema, internal.time_bucket('1 hour', x.bucket) AS bucket
			FROM metric x WHERE NOT x.created) AS h)
	INTO n, hours;
	PERFORM internal.count_inserted(n);
	IF hours IS NOT NULL THEN
		-- separate statements: they must see the minutes written above
		PERFORM internal.refresh_metric_tiers(hours);
	END IF;

	PERFORM internal.clear_staged(TG_RELID);
	RETURN NULL;
END
$$;

-- Recomputes the given hours from their minutes, then their days from their hours. The caller holds the
-- row locks of these hours and days (see the top of this file), so no other lock is needed.
CREATE OR REPLACE FUNCTION internal.refresh_metric_tiers(p_hours internal.rollup_hour[]) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	INSERT INTO internal.metric_rollup_1h AS t
	SELECT k.bucket, k.name, k.schema, max(m.max_supply), max(m.max_excluded_supply), max(m.max_amount),
		max(m.max_value), max(coalesce(m.max_supply, m.max_excluded_supply, m.max_amount, m.last_value))
	FROM (SELECT DISTINCT h.name, h.schema, h.bucket FROM pg_catalog.unnest(p_hours) h) k
	JOIN internal.metric_rollup_1m m ON m.name = k.name AND m.schema = k.schema
		AND m.bucket >= k.bucket AND m.bucket < k.bucket + interval '1 hour'
	GROUP BY k.name, k.schema, k.bucket
	ORDER BY k.name, k.schema, k.bucket
	ON CONFLICT (name, schema, bucket) DO UPDATE SET
		max_supply = excluded.max_supply, max_excluded_supply = excluded.max_excluded_supply,
		max_amount = excluded.max_amount, max_value = excluded.max_value, max_calculated = excluded.max_calculated;

	INSERT INTO internal.metric_rollup_1d AS t
	SELECT k.day, k.name, k.schema, max(h.max_supply), max(h.max_excluded_supply), max(h.max_amount),
		max(h.max_value), max(h.max_calculated)
	FROM (SELECT DISTINCT u.name, u.schema, internal.time_bucket('1 day', u.bucket) AS day
		FROM pg_catalog.unnest(p_hours) u) k
	JOIN internal.metric_rollup_1h h ON h.name = k.name AND h.schema = k.schema
		AND h.bucket >= k.day AND h.bucket < k.day + interval '1 day'
	GROUP BY k.name, k.schema, k.day
	ORDER BY k.name, k.schema, k.day
	ON CONFLICT (name, schema, bucket) DO UPDATE SET
		max_supply = excluded.max_supply, max_excluded_supply = excluded.max_excluded_supply,
		max_amount = excluded.max_amount, max_value = excluded.max_value, max_calculated = excluded.max_calculated;
END
$$;

-- The flushes of cumulative samples (V10) and of tags (V4), now clearing their staging table through
-- internal.clear_staged.
CREATE OR REPLACE FUNCTION internal.flush_staged_cumsum_samples() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	n bigint;
BEGIN
	WITH inserted AS (
		INSERT INTO cumsum.prometheus_remote_write AS r (time, tag_id, name, schema, value)
		SELECT DISTINCT ON (s.time, s.tag_id, s.name, s.schema) s.time, s.tag_id, s.name, s.schema, s.value
		FROM staged s
		ORDER BY s.time, s.tag_id, s.name, s.schema, s.value
		ON CONFLICT DO NOTHING
		RETURNING r.time, r.tag_id, r.name, r.schema, r.value
	),
	delta (bucket, name, schema, sum_value) AS MATERIALIZED (
		SELECT internal.time_bucket('1 minute', r.time), r.name, r.schema, sum(r.value)
		FROM inserted r
		GROUP BY r.name, r.schema, 1
	),
	sums AS (
		INSERT INTO cumsum.all_metrics_minute AS c
		SELECT * FROM delta d
		ORDER BY d.name, d.schema, d.bucket
		ON CONFLICT (name, schema, bucket) DO UPDATE SET sum_value = c.sum_value + excluded.sum_value
	),
	totals AS (
		INSERT INTO cumsum.metric_totals AS t (name, schema, sum_value, last_bucket)
		SELECT d.name, d.schema, sum(d.sum_value), max(d.bucket) FROM delta d
		GROUP BY d.name, d.schema
		ORDER BY d.name, d.schema
		ON CONFLICT (name, schema) DO UPDATE SET sum_value = t.sum_value + excluded.sum_value,
			last_bucket = greatest(t.last_bucket, excluded.last_bucket)
	),
	hour_sums AS (
		INSERT INTO cumsum.sum_rollup_1h AS c
		SELECT internal.time_bucket('1 hour', d.bucket), d.name, d.schema, sum(d.sum_value)
		FROM delta d
		GROUP BY d.name, d.schema, 1
		ORDER BY d.name, d.schema, 1
		ON CONFLICT (name, schema, bucket) DO UPDATE SET sum_value = c.sum_value + excluded.sum_value
	),
	day_sums AS (
		INSERT INTO cumsum.sum_rollup_1d AS c
		SELECT internal.time_bucket('1 day', d.bucket), d.name, d.schema, sum(d.sum_value)
		FROM delta d
		GROUP BY d.name, d.schema, 1
		ORDER BY d.name, d.schema, 1
		ON CONFLICT (name, schema, bucket) DO UPDATE SET sum_value = c.sum_value + excluded.sum_value
	)
	SELECT count(*) INTO n FROM inserted;
	PERFORM internal.count_inserted(n);

	PERFORM internal.clear_staged(TG_RELID);
	RETURN NULL;
END
$$;


CREATE OR REPLACE FUNCTION internal.flush_staged_tags() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	INSERT INTO internal.prometheus_remote_write_tag AS t
		(tag_id, host, instance, country_name, city, supply, excluded_supply, amount)
	SELECT n.*
	FROM (
		SELECT s.tag_id, max(s.host), max(s.instance), max(s.country_name), max(s.city), max(s.supply),
			max(s.excluded_supply), max(s.amount)
		FROM staged s
		GROUP BY s.tag_id
	) AS n (tag_id, host, instance, country_name, city, supply, excluded_supply, amount)
	WHERE NOT EXISTS (
		SELECT 1 FROM internal.prometheus_remote_write_tag o
		WHERE o.tag_id = n.tag_id
			AND (n.host IS NULL OR n.host = o.host)
			AND (n.instance IS NULL OR n.instance = o.instance)
			AND (n.country_name IS NULL OR n.country_name = o.country_name)
			AND (n.city IS NULL OR n.city = o.city)
			AND (n.supply IS NULL OR n.supply = o.supply)
			AND (n.excluded_supply IS NULL OR n.excluded_supply = o.excluded_supply)
			AND (n.amount IS NULL OR n.amount = o.amount))
	ORDER BY n.tag_id
	ON CONFLICT (tag_id) DO UPDATE SET
		host = coalesce(excluded.host, t.host),
		instance = coalesce(excluded.instance, t.instance),
		country_name = coalesce(excluded.country_name, t.country_name),
		city = coalesce(excluded.city, t.city),
		supply = coalesce(excluded.supply, t.supply),
		excluded_supply = coalesce(excluded.excluded_supply, t.excluded_supply),
		amount = coalesce(excluded.amount, t.amount);

	PERFORM internal.clear_staged(TG_RELID);
	RETURN NULL;
END
$$;

-- This session's staging tables, unless it has them: temporary, emptied at commit, flushed by the same
-- triggers as the shared staging tables.
CREATE FUNCTION internal.create_session_staging() RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF pg_catalog.to_regclass('pg_temp.staged_internal_samples') IS NOT NULL THEN
		RETURN;
	END IF;
	CREATE TEMPORARY TABLE staged_tags (LIKE internal.prometheus_remote_write_tag) ON COMMIT DELETE ROWS;
	CREATE TEMPORARY TABLE staged_internal_samples (LIKE internal.prometheus_remote_write) ON COMMIT DELETE ROWS;
	CREATE TEMPORARY TABLE staged_cumsum_samples (LIKE cumsum.prometheus_remote_write) ON COMMIT DELETE ROWS;
	CREATE TRIGGER flush AFTER INSERT ON pg_temp.staged_tags
		REFERENCING NEW TABLE AS staged FOR EACH STATEMENT EXECUTE FUNCTION internal.flush_staged_tags();
	CREATE TRIGGER flush AFTER INSERT ON pg_temp.staged_internal_samples
		REFERENCING NEW TABLE AS staged FOR EACH STATEMENT EXECUTE FUNCTION internal.flush_staged_internal_samples();
	CREATE TRIGGER flush AFTER INSERT ON pg_temp.staged_cumsum_samples
		REFERENCING NEW TABLE AS staged FOR EACH STATEMENT EXECUTE FUNCTION internal.flush_staged_cumsum_samples();
END
$$;

REVOKE EXECUTE ON FUNCTION internal.clear_staged(regclass), internal.create_session_staging() FROM PUBLIC;
