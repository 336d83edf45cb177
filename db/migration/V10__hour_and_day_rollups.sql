-- Hour and day rollups derived from the 1-minute rollups, so that long ranges (a year at 1 day, a month at
-- 1 hour) read hundreds of rows instead of hundreds of thousands. They hold only what the API needs and
-- is mergeable over larger buckets: the maxima (a coarser bucket's max is the max of its minutes' maxima),
-- the max of each minute's calculated value, and the sums of the cumulative metrics. Plain tables in
-- both storage modes (they are small and are updated in place).

CREATE TABLE internal.metric_rollup_1h (
	bucket timestamptz NOT NULL,
	name text NOT NULL,
	schema text NOT NULL,
	max_supply numeric,
	max_excluded_supply numeric,
	max_amount numeric,
	max_value numeric NOT NULL,
	-- max over the bucket's minutes of coalesce(max_supply, max_excluded_supply, max_amount, last_value),
	-- the value internal.cagg_calculated_metric shows for a minute
	max_calculated numeric NOT NULL,
	PRIMARY KEY (name, schema, bucket)
);

CREATE TABLE internal.metric_rollup_1d (LIKE internal.metric_rollup_1h INCLUDING ALL);

CREATE TABLE cumsum.sum_rollup_1h (
	bucket timestamptz NOT NULL,
	name text NOT NULL,
	schema text NOT NULL,
	sum_value numeric NOT NULL,
	PRIMARY KEY (name, schema, bucket)
);

CREATE TABLE cumsum.sum_rollup_1d (LIKE cumsum.sum_rollup_1h INCLUDING ALL);

-- One hour of one metric and schema whose minutes changed.
CREATE TYPE internal.rollup_hour AS (name text, schema text, bucket timestamptz);

-- Recomputes the hour rollups of the given hours from their minutes, then the day rollups of their days
-- from their hours. A minute's calculated value can go down (a later sample replaces the last value), so
-- these rows are recomputed rather than merged. Two transactions recomputing the same day would each miss
-- the other's uncommitted minutes, so each day is locked (in key order, until commit) before reading.
CREATE FUNCTION internal.refresh_metric_tiers(p_hours internal.rollup_hour[]) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	day_key record;
BEGIN
	IF p_hours IS NULL OR pg_catalog.cardinality(p_hours) = 0 THEN
		RETURN;
	END IF;
	FOR day_key IN
		SELECT DISTINCT h.name, h.schema, internal.time_bucket('1 day', h.bucket) AS day
		FROM pg_catalog.unnest(p_hours) h
		ORDER BY 1, 2, 3
	LOOP
		PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('metric_rollup_1d/' || day_key.name
			|| '/' || day_key.schema || '/' || extract(epoch FROM day_key.day)::bigint, 0));
	END LOOP;

	-- New statements, new snapshot: the minutes committed by whoever held the locks before are visible.
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

-- The flush of internal samples (V9) plus the hour and day rollups of the hours it touched.
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
	metric AS (
		INSERT INTO internal.metric_rollup_1m AS m (bucket, name, schema, max_supply, max_excluded_supply, max_amount,
			max_value, last_time, last_tag_id, last_value)
		SELECT internal.time_bucket('1 minute', r.time), r.name, r.schema,
			max(internal.to_numeric_or_null(t.supply)), max(internal.to_numeric_or_null(t.excluded_supply)),
			max(internal.to_numeric_or_null(t.amount)), max(r.value), max(r.time),
			(array_agg(r.tag_id ORDER BY r.time DESC, r.tag_id DESC))[1],
			(array_agg(r.value ORDER BY r.time DESC, r.tag_id DESC))[1]
		FROM inserted r
		LEFT JOIN internal.prometheus_remote_write_tag t ON t.tag_id = r.tag_id
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
		RETURNING m.name, m.schema, m.bucket
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
		FROM (SELECT DISTINCT x.name, x.schema, internal.time_bucket('1 hour', x.bucket) AS bucket FROM metric x) AS h)
	INTO n, hours;
	PERFORM internal.count_inserted(n);
	-- a separate statement: it must see the minutes written above
	PERFORM internal.refresh_metric_tiers(hours);

	DELETE FROM staging_internal.prometheus_remote_write;
	RETURN NULL;
END
$$;

-- The flush of cumulative samples (V9) plus the hour and day sums, merged by addition like the minutes.
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

	DELETE FROM staging_cumsum.prometheus_remote_write;
	RETURN NULL;
END
$$;

-- Recomputes the hour and day rollups of every day overlapping [p_from, p_to) from the minute rollups.
CREATE FUNCTION internal.rebuild_rollup_tiers(p_from timestamptz, p_to timestamptz) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	lo timestamptz := internal.time_bucket('1 day', p_from);
	hi timestamptz := CASE WHEN pg_catalog.isfinite(p_to)
		THEN internal.time_bucket('1 day', p_to - interval '1 microsecond') + interval '1 day' ELSE p_to END;
BEGIN
	DELETE FROM internal.metric_rollup_1h t WHERE t.bucket >= lo AND t.bucket < hi;
	DELETE FROM internal.metric_rollup_1d t WHERE t.bucket >= lo AND t.bucket < hi;
	DELETE FROM cumsum.sum_rollup_1h t WHERE t.bucket >= lo AND t.bucket < hi;
	DELETE FROM cumsum.sum_rollup_1d t WHERE t.bucket >= lo AND t.bucket < hi;

	INSERT INTO internal.metric_rollup_1h
	SELECT internal.time_bucket('1 hour', m.bucket), m.name, m.schema, max(m.max_supply), max(m.max_excluded_supply),
		max(m.max_amount), max(m.max_value), max(coalesce(m.max_supply, m.max_excluded_supply, m.max_amount, m.last_value))
	FROM internal.metric_rollup_1m m
	WHERE m.bucket >= lo AND m.bucket < hi
	GROUP BY m.name, m.schema, 1;

	INSERT INTO internal.metric_rollup_1d
	SELECT internal.time_bucket('1 day', h.bucket), h.name, h.schema, max(h.max_supply), max(h.max_excluded_supply),
		max(h.max_amount), max(h.max_value), max(h.max_calculated)
	FROM internal.metric_rollup_1h h
	WHERE h.bucket >= lo AND h.bucket < hi
	GROUP BY h.name, h.schema, 1;

	INSERT INTO cumsum.sum_rollup_1h
	SELECT internal.time_bucket('1 hour', c.bucket), c.name, c.schema, sum(c.sum_value)
	FROM cumsum.all_metrics_minute c
	WHERE c.bucket >= lo AND c.bucket < hi
	GROUP BY c.name, c.schema, 1;

	INSERT INTO cumsum.sum_rollup_1d
	SELECT internal.time_bucket('1 day', h.bucket), h.name, h.schema, sum(h.sum_value)
	FROM cumsum.sum_rollup_1h h
	WHERE h.bucket >= lo AND h.bucket < hi
	GROUP BY h.name, h.schema, 1;
END
$$;

-- The repair function keeps its name and contract; it now rebuilds the hour and day rollups of the range too.
ALTER FUNCTION internal.rebuild_rollups(timestamptz, timestamptz) RENAME TO rebuild_minute_rollups;

CREATE FUNCTION internal.rebuild_rollups(p_from timestamptz, p_to timestamptz) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	-- checks the range and locks out writers until commit
	PERFORM internal.rebuild_minute_rollups(p_from, p_to);
	PERFORM internal.rebuild_rollup_tiers(p_from, p_to);
END
$$;

REVOKE EXECUTE ON FUNCTION internal.refresh_metric_tiers(internal.rollup_hour[]),
	internal.rebuild_rollup_tiers(timestamptz, timestamptz), internal.rebuild_rollups(timestamptz, timestamptz)
	FROM PUBLIC;

-- Existing data: the tiers of everything already rolled up.
SELECT internal.rebuild_rollup_tiers('-infinity', 'infinity');
