-- Repair (README, "Repairs"): internal.rebuild_rollups recomputes every rollup of the one-minute buckets
-- covering [p_from, p_to) from the raw tables. Rows deleted or changed directly in the raw tables reach the
-- rollups only through it.
--
-- The minutes are recomputed by the flush's own fold (R__2_flush.sql): their rollup rows are deleted and
-- the raw rows replayed through pg_temp.new_internal_samples and new_cumsum_samples, day by day to bound
-- the size of one step, so a rebuild computes exactly what the flush computes. Then the hour and day
-- rollups of every day overlapping the range, and the all-time totals, are recomputed from the minutes.
--
-- Raw data removed by retention must not erase rollups, so each raw table's minutes are rebuilt only from
-- its first complete minute on: that of its oldest remaining row when that row starts the minute, else the
-- next one (retention may cut a minute in two); and not at all while the table is empty. Writers wait
-- while it runs.
--
-- Repeatable: Flyway runs this file again whenever it changes, after the versioned migrations.

-- "does not exist, skipping" from the DROPs of a first run is no news for the log.
SET LOCAL client_min_messages = warning;

DROP FUNCTION IF EXISTS internal.rebuild_rollups(timestamptz, timestamptz);
CREATE FUNCTION internal.rebuild_rollups(p_from timestamptz, p_to timestamptz) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	lo timestamptz;
	hi timestamptz;
	day_lo timestamptz;
	day_hi timestamptz;
	oldest timestamptz;
	newest timestamptz;
	floor_bucket timestamptz;
	cur timestamptz;
	nxt timestamptz;
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
	PERFORM internal.create_fold_tables();

	-- internal.prometheus_remote_write: the metric minutes and the coordinates.
	SELECT min(r.time), max(r.time) INTO oldest, newest FROM internal.prometheus_remote_write r;
	IF oldest IS NULL THEN
		RAISE NOTICE 'internal.prometheus_remote_write is empty: its rollups are left as they are';
	ELSE
		floor_bucket := internal.ceil_bucket(interval '1 minute', oldest);
		IF lo < floor_bucket THEN
			RAISE NOTICE 'internal raw data starts at %: rollups before % are left as they are', oldest, floor_bucket;
		END IF;
		cur := greatest(lo, floor_bucket);
		IF cur < hi THEN
			DELETE FROM internal.metric_rollup_1m m WHERE m.bucket >= cur AND m.bucket < hi;
			DELETE FROM geo.coords_rollup_1m g WHERE g.bucket >= cur AND g.bucket < hi;
		END IF;
		WHILE cur < hi AND cur <= newest LOOP
			nxt := least(cur + interval '1 day', hi);
			INSERT INTO pg_temp.new_internal_samples
			SELECT r.* FROM internal.prometheus_remote_write r WHERE r.time >= cur AND r.time < nxt;
			TRUNCATE pg_temp.new_internal_samples, pg_temp.new_internal_minutes;
			cur := nxt;
		END LOOP;
	END IF;

	-- cumsum.prometheus_remote_write: the per-minute sums.
	SELECT min(r.time), max(r.time) INTO oldest, newest FROM cumsum.prometheus_remote_write r;
	IF oldest IS NULL THEN
		RAISE NOTICE 'cumsum.prometheus_remote_write is empty: its rollups are left as they are';
	ELSE
		floor_bucket := internal.ceil_bucket(interval '1 minute', oldest);
		IF lo < floor_bucket THEN
			RAISE NOTICE 'cumsum raw data starts at %: rollups before % are left as they are', oldest, floor_bucket;
		END IF;
		cur := greatest(lo, floor_bucket);
		IF cur < hi THEN
			DELETE FROM cumsum.all_metrics_minute c WHERE c.bucket >= cur AND c.bucket < hi;
		END IF;
		WHILE cur < hi AND cur <= newest LOOP
			nxt := least(cur + interval '1 day', hi);
			INSERT INTO pg_temp.new_cumsum_samples
			SELECT r.* FROM cumsum.prometheus_remote_write r WHERE r.time >= cur AND r.time < nxt;
			TRUNCATE pg_temp.new_cumsum_samples;
			cur := nxt;
		END LOOP;
	END IF;

	-- The hour and day rollups of every day overlapping [p_from, p_to), from the minutes (the fold merged
	-- the replayed minutes into them, but the days' other minutes may have changed too).
	day_lo := internal.time_bucket('1 day', p_from);
	day_hi := CASE WHEN pg_catalog.isfinite(p_to)
		THEN internal.time_bucket('1 day', p_to - interval '1 microsecond') + interval '1 day' ELSE p_to END;
	DELETE FROM internal.metric_rollup_1h t WHERE t.bucket >= day_lo AND t.bucket < day_hi;
	DELETE FROM internal.metric_rollup_1d t WHERE t.bucket >= day_lo AND t.bucket < day_hi;
	DELETE FROM cumsum.sum_rollup_1h t WHERE t.bucket >= day_lo AND t.bucket < day_hi;
	DELETE FROM cumsum.sum_rollup_1d t WHERE t.bucket >= day_lo AND t.bucket < day_hi;

	INSERT INTO internal.metric_rollup_1h
	SELECT x.*
	FROM (SELECT DISTINCT m.schema, m.name FROM internal.metric_rollup_1m m
		WHERE m.bucket >= day_lo AND m.bucket < day_hi) k
	CROSS JOIN LATERAL internal.metric_hours(k.schema, k.name, day_lo, day_hi) x;

	INSERT INTO internal.metric_rollup_1d
	SELECT x.*
	FROM (SELECT DISTINCT h.schema, h.name FROM internal.metric_rollup_1h h
		WHERE h.bucket >= day_lo AND h.bucket < day_hi) k
	CROSS JOIN LATERAL internal.metric_days(k.schema, k.name, day_lo, day_hi) x;

	INSERT INTO cumsum.sum_rollup_1h
	SELECT internal.time_bucket('1 hour', c.bucket), c.name, c.schema, sum(c.sum_value)
	FROM cumsum.all_metrics_minute c
	WHERE c.bucket >= day_lo AND c.bucket < day_hi
	GROUP BY c.name, c.schema, 1;

	INSERT INTO cumsum.sum_rollup_1d
	SELECT internal.time_bucket('1 day', h.bucket), h.name, h.schema, sum(h.sum_value)
	FROM cumsum.sum_rollup_1h h
	WHERE h.bucket >= day_lo AND h.bucket < day_hi
	GROUP BY h.name, h.schema, 1;

	-- The all-time totals follow the per-minute sums.
	DELETE FROM cumsum.metric_totals;
	INSERT INTO cumsum.metric_totals (name, schema, sum_value, last_bucket)
	SELECT c.name, c.schema, sum(c.sum_value), max(c.bucket) FROM cumsum.all_metrics_minute c GROUP BY c.name, c.schema;
END
$$;

-- Internal functions are the owner's alone (V1's default privileges already keep PUBLIC out of those
-- the migrating role creates).
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA internal FROM PUBLIC;
