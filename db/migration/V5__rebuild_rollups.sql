-- Repair: recompute every rollup for the one-minute buckets covering [p_from, p_to) from the raw tables.
-- Rows deleted or changed directly in the raw tables reach the rollups only through this function.
--
-- Raw data removed by retention must not erase rollups, so each raw table's rollups are rebuilt only
-- from the minute of that table's oldest remaining row on (retention removes whole minutes), and not at
-- all while the table is empty. Writers wait while it runs.
CREATE FUNCTION internal.rebuild_rollups(p_from timestamptz, p_to timestamptz) RETURNS void
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
END
$$;
