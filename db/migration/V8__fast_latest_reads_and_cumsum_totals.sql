-- Read paths that stay fast with years of rollups: the newest minute per metric by an index skip-scan,
-- and cumsum totals kept at write time (the all-time sum and the sum before a range no longer scan every
-- minute ever written). Geo rows go to the coordinates rollup alone.

CREATE INDEX metric_rollup_1m_schema_name_bucket ON internal.metric_rollup_1m (schema, name, bucket);

-- Per metric: the sum of every value ever written and the newest minute, maintained with the per-minute
-- sums (same transaction, same rows) and recomputed by internal.rebuild_rollups.
CREATE TABLE cumsum.metric_totals (
	name text NOT NULL,
	schema text NOT NULL,
	sum_value numeric NOT NULL,
	last_bucket timestamptz NOT NULL,
	PRIMARY KEY (name, schema)
);
INSERT INTO cumsum.metric_totals (name, schema, sum_value, last_bucket)
SELECT c.name, c.schema, sum(c.sum_value), max(c.bucket) FROM cumsum.all_metrics_minute c GROUP BY c.name, c.schema;

CREATE OR REPLACE FUNCTION internal.flush_staged_internal_samples() RETURNS trigger
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
		SELECT array_agg(ROW(i.time, i.tag_id, i.name, i.schema, i.value)::internal.prometheus_remote_write) AS rows,
			array_agg(ROW(i.time, i.tag_id, i.name, i.schema, i.value)::internal.prometheus_remote_write)
				FILTER (WHERE i.schema = 'geo') AS geo_rows
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
		SELECT * FROM internal.geo_rollup_rows((SELECT b.geo_rows FROM batch b)) AS x
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
	delta AS (
		SELECT * FROM internal.cumsum_rollup_rows((
			SELECT array_agg(ROW(i.time, i.tag_id, i.name, i.schema, i.value)::cumsum.prometheus_remote_write)
			FROM inserted i))
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
	)
	SELECT count(*) INTO n FROM inserted;
	PERFORM internal.count_inserted(n);

	DELETE FROM staging_cumsum.prometheus_remote_write;
	RETURN NULL;
END
$$;


CREATE OR REPLACE FUNCTION internal.rebuild_rollups(p_from timestamptz, p_to timestamptz) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	lo timestamptz;
	hi timestamptz;
	oldest timestamptz;
	newest timestamptz;
	floor_bucket timestamptz;
	cur timestamptz;
	nxt timestamptz;
	step constant interval := interval '1 day';
BEGIN
	IF p_from IS NULL OR p_to IS NULL OR p_from >= p_to THEN
		RAISE EXCEPTION 'rebuild_rollups needs p_from < p_to, got [%, %)', p_from, p_to
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	lo := internal.time_bucket('1 minute', p_from);
	hi := CASE WHEN pg_catalog.isfinite(p_to)
		THEN internal.time_bucket('1 minute', p_to - interval '1 microsecond') + interval '1 minute' ELSE p_to END;

	-- Concurrent flushes would otherwise fold rows into buckets being recomputed.
	LOCK TABLE internal.prometheus_remote_write, cumsum.prometheus_remote_write IN SHARE MODE;

	-- internal.prometheus_remote_write: the metric rollup and the coordinates.
	SELECT min(r.time), max(r.time) INTO oldest, newest FROM internal.prometheus_remote_write r;
	IF oldest IS NULL THEN
		RAISE NOTICE 'internal.prometheus_remote_write is empty: its rollups are left as they are';
	ELSE
		floor_bucket := internal.time_bucket('1 minute', oldest);
		IF lo < floor_bucket THEN
			RAISE NOTICE 'internal raw data starts at %: older rollups are left as they are', oldest;
		END IF;
		cur := greatest(lo, floor_bucket);
		IF cur < hi THEN
			DELETE FROM internal.metric_rollup_1m m WHERE m.bucket >= cur AND m.bucket < hi;
			DELETE FROM geo.coords_rollup_1m g WHERE g.bucket >= cur AND g.bucket < hi;
		END IF;
		-- Day by day, to bound the memory of one step.
		WHILE cur < hi AND cur <= newest LOOP
			nxt := least(cur + step, hi);
			INSERT INTO internal.metric_rollup_1m
			SELECT * FROM internal.metric_rollup_rows((SELECT array_agg(r) FROM internal.prometheus_remote_write r
				WHERE r.time >= cur AND r.time < nxt));
			INSERT INTO geo.coords_rollup_1m
			SELECT * FROM internal.geo_rollup_rows((SELECT array_agg(r) FROM internal.prometheus_remote_write r
				WHERE r.time >= cur AND r.time < nxt AND r.schema = 'geo'));
			cur := nxt;
		END LOOP;
	END IF;

	-- cumsum.prometheus_remote_write: the per-minute sums.
	SELECT min(r.time), max(r.time) INTO oldest, newest FROM cumsum.prometheus_remote_write r;
	IF oldest IS NULL THEN
		RAISE NOTICE 'cumsum.prometheus_remote_write is empty: its rollups are left as they are';
	ELSE
		floor_bucket := internal.time_bucket('1 minute', oldest);
		IF lo < floor_bucket THEN
			RAISE NOTICE 'cumsum raw data starts at %: older rollups are left as they are', oldest;
		END IF;
		cur := greatest(lo, floor_bucket);
		IF cur < hi THEN
			DELETE FROM cumsum.all_metrics_minute c WHERE c.bucket >= cur AND c.bucket < hi;
		END IF;
		WHILE cur < hi AND cur <= newest LOOP
			nxt := least(cur + step, hi);
			INSERT INTO cumsum.all_metrics_minute
			SELECT * FROM internal.cumsum_rollup_rows((SELECT array_agg(r) FROM cumsum.prometheus_remote_write r
				WHERE r.time >= cur AND r.time < nxt));
			cur := nxt;
		END LOOP;
	END IF;

	-- The all-time totals follow the per-minute sums.
	DELETE FROM cumsum.metric_totals;
	INSERT INTO cumsum.metric_totals (name, schema, sum_value, last_bucket)
	SELECT c.name, c.schema, sum(c.sum_value), max(c.bucket) FROM cumsum.all_metrics_minute c GROUP BY c.name, c.schema;
END
$$;


-- The newest minute of every metric of one schema, found metric by metric through the
-- (schema, name, bucket) index instead of reading every minute.
CREATE FUNCTION internal.latest_per_name(p_schema text)
RETURNS TABLE (bucket timestamptz, name text, value numeric)
LANGUAGE sql STABLE
AS $$
	WITH RECURSIVE names (name) AS (
		(SELECT m.name FROM internal.metric_rollup_1m m WHERE m.schema = p_schema ORDER BY m.name LIMIT 1)
		UNION ALL
		SELECT (SELECT m.name FROM internal.metric_rollup_1m m WHERE m.schema = p_schema AND m.name > n.name
			ORDER BY m.name LIMIT 1)
		FROM names n WHERE n.name IS NOT NULL
	)
	SELECT l.bucket, n.name, l.value
	FROM names n
	CROSS JOIN LATERAL (
		SELECT m.bucket, coalesce(m.max_supply, m.max_excluded_supply, m.max_amount, m.last_value) AS value
		FROM internal.metric_rollup_1m m
		WHERE m.schema = p_schema AND m.name = n.name
		ORDER BY m.bucket DESC
		LIMIT 1) l
	WHERE n.name IS NOT NULL
$$;
REVOKE EXECUTE ON FUNCTION internal.latest_per_name(text) FROM PUBLIC;

CREATE OR REPLACE FUNCTION api.get_all_latest_mainnet_metrics()
RETURNS TABLE ("timestamp" timestamptz, table_name text, value text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
	SELECT l.bucket, l.name, l.value::text FROM internal.latest_per_name('mainnet') l ORDER BY l.name
$$;

CREATE OR REPLACE FUNCTION api.get_all_latest_testnet_metrics()
RETURNS TABLE ("timestamp" timestamptz, table_name text, value text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
	SELECT l.bucket, l.name, l.value::text FROM internal.latest_per_name('testnet') l ORDER BY l.name
$$;

CREATE OR REPLACE FUNCTION api.get_all_latest_common_metrics()
RETURNS TABLE ("timestamp" timestamptz, table_name text, value text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
	SELECT l.bucket, l.name, l.value::text FROM internal.latest_per_name('common') l ORDER BY l.name
$$;

CREATE OR REPLACE FUNCTION api.get_all_latest_cumsum_metrics()
RETURNS TABLE ("timestamp" timestamptz, table_name text, value text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
	SELECT max(t.last_bucket), t.name, sum(t.sum_value)::text
	FROM cumsum.metric_totals t
	GROUP BY t.name
	ORDER BY t.name
$$;

-- The sum before p_from is the total minus what lies from p_from on (dashboards ask for recent ranges).
CREATE OR REPLACE FUNCTION api.get_agg_cumsum_metric(p_metric_name text, p_schema text, p_interval interval,
	p_from timestamptz, p_to timestamptz)
RETURNS TABLE ("timestamp" timestamptz, value text)
LANGUAGE sql STABLE STRICT SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
	SELECT p.bucket,
		((SELECT coalesce(sum(t.sum_value), 0) FROM cumsum.metric_totals t
			WHERE t.name = p_metric_name AND t.schema = p_schema)
		- (SELECT coalesce(sum(c.sum_value), 0) FROM cumsum.all_metrics_minute c
			WHERE c.name = p_metric_name AND c.schema = p_schema AND c.bucket >= p_from)
		+ sum(p.period_sum) OVER (ORDER BY p.bucket))::text
	FROM (
		SELECT internal.time_bucket(p_interval, c.bucket) AS bucket, sum(c.sum_value) AS period_sum
		FROM cumsum.all_metrics_minute c
		WHERE c.name = p_metric_name AND c.schema = p_schema AND c.bucket >= p_from AND c.bucket < p_to
		GROUP BY 1
	) AS p
	ORDER BY p.bucket
$$;
