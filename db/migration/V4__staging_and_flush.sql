-- The ingestion interface of the database. Rows inserted into the staging tables (INSERT or COPY, from
-- any client) are flushed by statement-level triggers, in the inserting transaction: tags are upserted,
-- samples are inserted into the raw tables without duplicates, and only the rows that were really new
-- are folded into the rollups — so repeated or concurrent writes of the same rows count once.
-- Writers insert tag rows before the sample rows that use them.

CREATE UNLOGGED TABLE staging_internal.prometheus_remote_write (LIKE internal.prometheus_remote_write);
CREATE UNLOGGED TABLE staging_internal.prometheus_remote_write_tag (LIKE internal.prometheus_remote_write_tag);
CREATE UNLOGGED TABLE staging_cumsum.prometheus_remote_write (LIKE cumsum.prometheus_remote_write);
CREATE UNLOGGED TABLE staging_cumsum.prometheus_remote_write_tag (LIKE internal.prometheus_remote_write_tag);

-- Every flush leaves dead rows behind; vacuum them often so the staging tables stay tiny.
ALTER TABLE staging_internal.prometheus_remote_write SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 10000);
ALTER TABLE staging_internal.prometheus_remote_write_tag SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 10000);
ALTER TABLE staging_cumsum.prometheus_remote_write SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 10000);
ALTER TABLE staging_cumsum.prometheus_remote_write_tag SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 10000);

-- Tag rows of one statement, merged per tag_id, upserted into the shared tag table. A new non-null
-- column wins, a null keeps what is stored. Rows that would change nothing are skipped before the
-- upsert, so concurrent writers repeating the same tags do not lock each other out.
CREATE FUNCTION internal.flush_staged_tags() RETURNS trigger
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

	-- Other transactions' staged rows are invisible here, so this removes exactly this statement's rows
	-- (and any earlier ones of this transaction, which were flushed already).
	EXECUTE pg_catalog.format('DELETE FROM %I.%I', TG_TABLE_SCHEMA, TG_TABLE_NAME);
	RETURN NULL;
END
$$;

-- The rollup rows of a set of new raw rows. The flush triggers merge them into the rollup tables;
-- internal.rebuild_rollups inserts them for a range recomputed from the raw tables. One definition for
-- both, so a rebuild can never disagree with the incremental path.
CREATE FUNCTION internal.metric_rollup_rows(p_rows internal.prometheus_remote_write[])
RETURNS SETOF internal.metric_rollup_1m
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
	SELECT internal.time_bucket('1 minute', r.time), r.name, r.schema,
		max(internal.to_numeric_or_null(t.supply)), max(internal.to_numeric_or_null(t.excluded_supply)),
		max(internal.to_numeric_or_null(t.amount)), max(r.value), max(r.time),
		(pg_catalog.array_agg(r.tag_id ORDER BY r.time DESC, r.tag_id DESC))[1],
		(pg_catalog.array_agg(r.value ORDER BY r.time DESC, r.tag_id DESC))[1]
	FROM pg_catalog.unnest(p_rows) AS r
	LEFT JOIN internal.prometheus_remote_write_tag t ON t.tag_id = r.tag_id
	GROUP BY r.name, r.schema, 1
$$;

CREATE FUNCTION internal.cumsum_rollup_rows(p_rows cumsum.prometheus_remote_write[])
RETURNS SETOF cumsum.all_metrics_minute
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
	SELECT internal.time_bucket('1 minute', r.time), r.name, r.schema, sum(r.value)
	FROM pg_catalog.unnest(p_rows) AS r
	GROUP BY r.name, r.schema, 1
$$;

-- Geo rows (schema geo) per minute and instance (from the tag row; rows without one are skipped).
CREATE FUNCTION internal.geo_rollup_rows(p_rows internal.prometheus_remote_write[])
RETURNS SETOF geo.coords_rollup_1m
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
	SELECT internal.time_bucket('1 minute', r.time), t.instance,
		max(r.time) FILTER (WHERE r.name = 'manifest_geo_latitude'),
		(pg_catalog.array_agg(r.tag_id ORDER BY r.time DESC, r.tag_id DESC) FILTER (WHERE r.name = 'manifest_geo_latitude'))[1],
		(pg_catalog.array_agg(r.value ORDER BY r.time DESC, r.tag_id DESC) FILTER (WHERE r.name = 'manifest_geo_latitude'))[1],
		max(r.time) FILTER (WHERE r.name = 'manifest_geo_longitude'),
		(pg_catalog.array_agg(r.tag_id ORDER BY r.time DESC, r.tag_id DESC) FILTER (WHERE r.name = 'manifest_geo_longitude'))[1],
		(pg_catalog.array_agg(r.value ORDER BY r.time DESC, r.tag_id DESC) FILTER (WHERE r.name = 'manifest_geo_longitude'))[1],
		max(r.time) FILTER (WHERE r.name = 'manifest_geo_metadata'),
		(pg_catalog.array_agg(r.tag_id ORDER BY r.time DESC, r.tag_id DESC) FILTER (WHERE r.name = 'manifest_geo_metadata'))[1],
		(pg_catalog.array_agg(t.country_name ORDER BY r.time DESC, r.tag_id DESC) FILTER (WHERE r.name = 'manifest_geo_metadata'))[1],
		(pg_catalog.array_agg(t.city ORDER BY r.time DESC, r.tag_id DESC) FILTER (WHERE r.name = 'manifest_geo_metadata'))[1]
	FROM pg_catalog.unnest(p_rows) AS r
	JOIN internal.prometheus_remote_write_tag t ON t.tag_id = r.tag_id
	WHERE r.schema = 'geo' AND t.instance IS NOT NULL
		AND r.name IN ('manifest_geo_latitude', 'manifest_geo_longitude', 'manifest_geo_metadata')
	GROUP BY t.instance, 1
$$;

-- Whether sample (a_time, a_tag_id) comes after (b_time, b_tag_id); a missing b always loses.
CREATE FUNCTION internal.is_later(a_time timestamptz, a_tag_id bigint, b_time timestamptz, b_tag_id bigint)
RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
	SELECT a_time IS NOT NULL AND (b_time IS NULL OR (a_time, a_tag_id) > (b_time, b_tag_id))
$$;

-- Adds the number of raw rows a flush really inserted to a transaction-local counter
-- (gateway.inserted_rows), so a writer can tell new rows from repeated ones after its statements.
CREATE FUNCTION internal.count_inserted(n bigint) RETURNS void
LANGUAGE sql VOLATILE
AS $$
	SELECT pg_catalog.set_config('gateway.inserted_rows',
		(coalesce(nullif(pg_catalog.current_setting('gateway.inserted_rows', true), ''), '0')::bigint + n)::text,
		true)
$$;

-- Samples for internal.prometheus_remote_write, the metric rollup and (schema geo) the coordinates.
CREATE FUNCTION internal.flush_staged_internal_samples() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	n bigint;
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
	batch AS (
		SELECT array_agg(ROW(i.time, i.tag_id, i.name, i.schema, i.value)::internal.prometheus_remote_write) AS rows
		FROM inserted i
	),
	metric AS (
		INSERT INTO internal.metric_rollup_1m AS m
		SELECT * FROM internal.metric_rollup_rows((SELECT b.rows FROM batch b)) AS x
		ORDER BY x.name, x.schema, x.bucket
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
	),
	coords AS (
		INSERT INTO geo.coords_rollup_1m AS g
		SELECT * FROM internal.geo_rollup_rows((SELECT b.rows FROM batch b)) AS x
		ORDER BY x.bucket, x.instance
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
	SELECT count(*) INTO n FROM inserted;
	PERFORM internal.count_inserted(n);

	DELETE FROM staging_internal.prometheus_remote_write;
	RETURN NULL;
END
$$;

-- Samples for cumsum.prometheus_remote_write and the per-minute sums.
CREATE FUNCTION internal.flush_staged_cumsum_samples() RETURNS trigger
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
	sums AS (
		INSERT INTO cumsum.all_metrics_minute AS c
		SELECT * FROM internal.cumsum_rollup_rows((
			SELECT array_agg(ROW(i.time, i.tag_id, i.name, i.schema, i.value)::cumsum.prometheus_remote_write)
			FROM inserted i)) AS x
		ORDER BY x.name, x.schema, x.bucket
		ON CONFLICT (name, schema, bucket) DO UPDATE SET sum_value = c.sum_value + excluded.sum_value
	)
	SELECT count(*) INTO n FROM inserted;
	PERFORM internal.count_inserted(n);

	DELETE FROM staging_cumsum.prometheus_remote_write;
	RETURN NULL;
END
$$;

CREATE TRIGGER flush AFTER INSERT ON staging_internal.prometheus_remote_write_tag
	REFERENCING NEW TABLE AS staged FOR EACH STATEMENT EXECUTE FUNCTION internal.flush_staged_tags();
CREATE TRIGGER flush AFTER INSERT ON staging_cumsum.prometheus_remote_write_tag
	REFERENCING NEW TABLE AS staged FOR EACH STATEMENT EXECUTE FUNCTION internal.flush_staged_tags();
CREATE TRIGGER flush AFTER INSERT ON staging_internal.prometheus_remote_write
	REFERENCING NEW TABLE AS staged FOR EACH STATEMENT EXECUTE FUNCTION internal.flush_staged_internal_samples();
CREATE TRIGGER flush AFTER INSERT ON staging_cumsum.prometheus_remote_write
	REFERENCING NEW TABLE AS staged FOR EACH STATEMENT EXECUTE FUNCTION internal.flush_staged_cumsum_samples();
