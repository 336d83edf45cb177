-- The flush triggers aggregate the rows they really inserted directly (no intermediate arrays, which
-- cost a third of a large flush and cannot exceed 1 GB), and a rebuild aggregates its range in one
-- statement per rollup. The trigger and the rebuild use the same expressions; tests hold them equal.
--
-- Retention may cut raw data in the middle of a minute, so a rebuild now starts at the oldest raw minute
-- only when the oldest row sits exactly on that minute's start (nothing of it can be missing), and at the
-- next minute otherwise.

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
	delta (bucket, name, schema, sum_value) AS (
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
	floor_bucket timestamptz;
	cur timestamptz;
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
	SELECT min(r.time) INTO oldest FROM internal.prometheus_remote_write r;
	IF oldest IS NULL THEN
		RAISE NOTICE 'internal.prometheus_remote_write is empty: its rollups are left as they are';
	ELSE
		floor_bucket := internal.time_bucket('1 minute', oldest);
		IF floor_bucket < oldest THEN
			floor_bucket := floor_bucket + interval '1 minute';
		END IF;
		IF lo < floor_bucket THEN
			RAISE NOTICE 'internal raw data starts at %: rollups before % are left as they are', oldest, floor_bucket;
		END IF;
		cur := greatest(lo, floor_bucket);
		IF cur < hi THEN
			DELETE FROM internal.metric_rollup_1m m WHERE m.bucket >= cur AND m.bucket < hi;
			DELETE FROM geo.coords_rollup_1m g WHERE g.bucket >= cur AND g.bucket < hi;
			INSERT INTO internal.metric_rollup_1m
			SELECT internal.time_bucket('1 minute', r.time), r.name, r.schema,
				max(internal.to_numeric_or_null(t.supply)), max(internal.to_numeric_or_null(t.excluded_supply)),
				max(internal.to_numeric_or_null(t.amount)), max(r.value), max(r.time),
				(array_agg(r.tag_id ORDER BY r.time DESC, r.tag_id DESC))[1],
				(array_agg(r.value ORDER BY r.time DESC, r.tag_id DESC))[1]
			FROM internal.prometheus_remote_write r
			LEFT JOIN internal.prometheus_remote_write_tag t ON t.tag_id = r.tag_id
			WHERE r.time >= cur AND r.time < hi
			GROUP BY r.name, r.schema, 1;
			INSERT INTO geo.coords_rollup_1m
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
			FROM internal.prometheus_remote_write r
			JOIN internal.prometheus_remote_write_tag t ON t.tag_id = r.tag_id
			WHERE r.schema = 'geo' AND t.instance IS NOT NULL
				AND r.name IN ('manifest_geo_latitude', 'manifest_geo_longitude', 'manifest_geo_metadata')
				AND r.time >= cur AND r.time < hi
			GROUP BY t.instance, 1;
		END IF;
	END IF;

	-- cumsum.prometheus_remote_write: the per-minute sums.
	SELECT min(r.time) INTO oldest FROM cumsum.prometheus_remote_write r;
	IF oldest IS NULL THEN
		RAISE NOTICE 'cumsum.prometheus_remote_write is empty: its rollups are left as they are';
	ELSE
		floor_bucket := internal.time_bucket('1 minute', oldest);
		IF floor_bucket < oldest THEN
			floor_bucket := floor_bucket + interval '1 minute';
		END IF;
		IF lo < floor_bucket THEN
			RAISE NOTICE 'cumsum raw data starts at %: rollups before % are left as they are', oldest, floor_bucket;
		END IF;
		cur := greatest(lo, floor_bucket);
		IF cur < hi THEN
			DELETE FROM cumsum.all_metrics_minute c WHERE c.bucket >= cur AND c.bucket < hi;
			INSERT INTO cumsum.all_metrics_minute
			SELECT internal.time_bucket('1 minute', r.time), r.name, r.schema, sum(r.value)
			FROM cumsum.prometheus_remote_write r
			WHERE r.time >= cur AND r.time < hi
			GROUP BY r.name, r.schema, 1;
		END IF;
	END IF;

	-- The all-time totals follow the per-minute sums.
	DELETE FROM cumsum.metric_totals;
	INSERT INTO cumsum.metric_totals (name, schema, sum_value, last_bucket)
	SELECT c.name, c.schema, sum(c.sum_value), max(c.bucket) FROM cumsum.all_metrics_minute c GROUP BY c.name, c.schema;
END
$$;


DROP FUNCTION internal.metric_rollup_rows(internal.prometheus_remote_write[]);
DROP FUNCTION internal.geo_rollup_rows(internal.prometheus_remote_write[]);
DROP FUNCTION internal.cumsum_rollup_rows(cumsum.prometheus_remote_write[]);
