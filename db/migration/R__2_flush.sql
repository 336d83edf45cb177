-- The flush: rows inserted into a staging table reach the raw tables and the rollups in the inserting
-- transaction, through statement-level triggers.
--
-- Tags are upserted into the tag table. Samples are stored in the raw tables without duplicates, and
-- exactly the rows that were really stored are folded into the rollups, so a repeated, overlapping or
-- concurrent write of the same rows counts once. The fold reads the rows as the transition table
-- new_samples of one trigger function per raw table, which runs
--   - on a staging table (trigger argument 'store'): the staged rows are stored first, with a plain INSERT;
--     when it succeeds (the common case: a backfill or live writes, nothing stored yet) they are the new
--     rows. Otherwise that INSERT is rolled back, INSERT ... ON CONFLICT DO NOTHING stores the new ones
--     and hands exactly those to pg_temp.new_internal_samples (or new_cumsum_samples), whose trigger
--     folds them;
--   - on pg_temp.new_internal_samples / new_cumsum_samples: raw rows to fold (from a flush as above, or
--     replayed by internal.rebuild_rollups, which so computes the rollups with the very same statements).
-- The minute rollups of internal samples are computed once into pg_temp.new_internal_minutes, whose
-- trigger merges them into the minute, hour and day rollups. internal.create_fold_tables() creates these
-- session tables.
--
-- Repeatable: Flyway runs this file again whenever it changes, after the versioned migrations. Trigger
-- functions are replaced in place (the triggers depend on them), other functions dropped and created
-- again.

-- "does not exist, skipping" from the DROPs of a first run is no news for the log.
SET LOCAL client_min_messages = warning;

-- Whether sample (a_time, a_tag_id) comes after (b_time, b_tag_id); a missing b always loses.
DROP FUNCTION IF EXISTS internal.is_later(timestamptz, bigint, timestamptz, bigint);
CREATE FUNCTION internal.is_later(a_time timestamptz, a_tag_id bigint, b_time timestamptz, b_tag_id bigint)
RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
	SELECT a_time IS NOT NULL AND (b_time IS NULL OR (a_time, a_tag_id) > (b_time, b_tag_id))
$$;

-- Adds the number of raw rows a flush really inserted to a transaction-local counter
-- (gateway.inserted_rows), so a writer can tell new rows from repeated ones after its statements.
DROP FUNCTION IF EXISTS internal.count_inserted(bigint);
CREATE FUNCTION internal.count_inserted(n bigint) RETURNS void
LANGUAGE sql VOLATILE
AS $$
	SELECT pg_catalog.set_config('gateway.inserted_rows',
		(coalesce(nullif(pg_catalog.current_setting('gateway.inserted_rows', true), ''), '0')::bigint + n)::text,
		true)
$$;

-- Removes a flushed statement's rows from the shared staging table that fired the trigger. Other
-- transactions' staged rows are invisible here, so this removes exactly this transaction's rows, all
-- flushed already. A temporary table is left alone: it is emptied at commit (ON COMMIT DELETE ROWS
-- truncates it) instead of by a DELETE that must scan every row version concurrent writers left behind.
DROP FUNCTION IF EXISTS internal.clear_staged(regclass);
CREATE FUNCTION internal.clear_staged(p_table regclass) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF (SELECT c.relpersistence FROM pg_catalog.pg_class c WHERE c.oid = p_table) <> 't' THEN
		EXECUTE pg_catalog.format('DELETE FROM %s', p_table);
	END IF;
END
$$;

-- Tag rows of one statement, merged per tag_id, upserted into the shared tag table. A new non-null
-- column wins, a null keeps what is stored. Rows that would change nothing are skipped before the
-- upsert, so concurrent writers repeating the same tags do not lock each other out.
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

-- The hour rollup rows of one metric, from its minutes in [p_from, p_to): the maxima of the minutes and the
-- maximum of their calculated values (what internal.cagg_calculated_metric shows for a minute). A set-
-- returning SQL function, so the planner inlines it into the statements that recompute hours.
DROP FUNCTION IF EXISTS internal.metric_hours(text, text, timestamptz, timestamptz);
CREATE FUNCTION internal.metric_hours(p_schema text, p_name text, p_from timestamptz, p_to timestamptz)
RETURNS SETOF internal.metric_rollup_1h
LANGUAGE sql STABLE
AS $$
	SELECT internal.time_bucket('1 hour', m.bucket), m.name, m.schema, max(m.max_supply), max(m.max_excluded_supply),
		max(m.max_amount), max(m.max_value), max(coalesce(m.max_supply, m.max_excluded_supply, m.max_amount, m.last_value))
	FROM internal.metric_rollup_1m m
	WHERE m.schema = p_schema AND m.name = p_name AND m.bucket >= p_from AND m.bucket < p_to
	GROUP BY m.name, m.schema, 1
$$;

-- The day rollup rows of one metric, from its hours in [p_from, p_to).
DROP FUNCTION IF EXISTS internal.metric_days(text, text, timestamptz, timestamptz);
CREATE FUNCTION internal.metric_days(p_schema text, p_name text, p_from timestamptz, p_to timestamptz)
RETURNS SETOF internal.metric_rollup_1d
LANGUAGE sql STABLE
AS $$
	SELECT internal.time_bucket('1 day', h.bucket), h.name, h.schema, max(h.max_supply), max(h.max_excluded_supply),
		max(h.max_amount), max(h.max_value), max(h.max_calculated)
	FROM internal.metric_rollup_1h h
	WHERE h.schema = p_schema AND h.name = p_name AND h.bucket >= p_from AND h.bucket < p_to
	GROUP BY h.name, h.schema, 1
$$;

-- Recomputes the given hours from their minutes, then their days from their hours. The caller holds the
-- row locks of these hours and days (internal.fold_internal_minutes), so no other lock is needed.
DROP FUNCTION IF EXISTS internal.refresh_metric_tiers(internal.rollup_hour[]);
CREATE FUNCTION internal.refresh_metric_tiers(p_hours internal.rollup_hour[]) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	INSERT INTO internal.metric_rollup_1h AS t
	SELECT x.*
	FROM (SELECT DISTINCT h.name, h.schema, h.bucket FROM pg_catalog.unnest(p_hours) h) k
	CROSS JOIN LATERAL internal.metric_hours(k.schema, k.name, k.bucket, k.bucket + interval '1 hour') x
	ORDER BY x.name, x.schema, x.bucket
	ON CONFLICT (name, schema, bucket) DO UPDATE SET
		max_supply = excluded.max_supply, max_excluded_supply = excluded.max_excluded_supply,
		max_amount = excluded.max_amount, max_value = excluded.max_value, max_calculated = excluded.max_calculated;

	INSERT INTO internal.metric_rollup_1d AS t
	SELECT x.*
	FROM (SELECT DISTINCT h.name, h.schema, internal.time_bucket('1 day', h.bucket) AS day
		FROM pg_catalog.unnest(p_hours) h) k
	CROSS JOIN LATERAL internal.metric_days(k.schema, k.name, k.day, k.day + interval '1 day') x
	ORDER BY x.name, x.schema, x.bucket
	ON CONFLICT (name, schema, bucket) DO UPDATE SET
		max_supply = excluded.max_supply, max_excluded_supply = excluded.max_excluded_supply,
		max_amount = excluded.max_amount, max_value = excluded.max_value, max_calculated = excluded.max_calculated;
END
$$;

-- This session's tables that hand rows to the fold (see the top of this file), unless it has them:
-- temporary and emptied at commit; their triggers see the rows of one statement only.
DROP FUNCTION IF EXISTS internal.create_fold_tables();
CREATE FUNCTION internal.create_fold_tables() RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF pg_catalog.to_regclass('pg_temp.new_internal_minutes') IS NOT NULL THEN
		RETURN;
	END IF;
	CREATE TEMPORARY TABLE new_internal_samples (LIKE internal.prometheus_remote_write) ON COMMIT DELETE ROWS;
	CREATE TEMPORARY TABLE new_cumsum_samples (LIKE cumsum.prometheus_remote_write) ON COMMIT DELETE ROWS;
	CREATE TEMPORARY TABLE new_internal_minutes (LIKE internal.metric_rollup_1m) ON COMMIT DELETE ROWS;
	CREATE TRIGGER fold AFTER INSERT ON pg_temp.new_internal_samples
		REFERENCING NEW TABLE AS new_samples FOR EACH STATEMENT EXECUTE FUNCTION internal.fold_internal_samples();
	CREATE TRIGGER fold AFTER INSERT ON pg_temp.new_cumsum_samples
		REFERENCING NEW TABLE AS new_samples FOR EACH STATEMENT EXECUTE FUNCTION internal.fold_cumsum_samples();
	CREATE TRIGGER fold AFTER INSERT ON pg_temp.new_internal_minutes
		REFERENCING NEW TABLE AS new_minutes FOR EACH STATEMENT EXECUTE FUNCTION internal.fold_internal_minutes();
END
$$;

-- Minute rollups of internal samples (rows of pg_temp.new_internal_minutes, computed by
-- internal.fold_internal_samples) merged into the minute, hour and day rollups.
--
-- Concurrent writers of one hour: each merges its minutes into the hour and day rows with greatest(),
-- which takes those rows' locks until it commits. That is exact for a minute it creates (a new maximum
-- can only raise the hour's). A minute that was stored already may have a lower calculated value than
-- before (a later sample replaced its last value), so the hours and days of such minutes are then
-- recomputed from their minutes, in a later statement: holding the locks, it sees every earlier writer
-- of those hours committed, and a later writer waits for this transaction and merges into the result.
CREATE OR REPLACE FUNCTION internal.fold_internal_minutes() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	written bigint;
	stored_hours internal.rollup_hour[];
BEGIN
	BEGIN
		-- Usually no other write has samples of these metrics in these minutes: a plain INSERT.
		INSERT INTO internal.metric_rollup_1m
		SELECT n.* FROM new_minutes n
		ORDER BY n.schema, n.name, n.bucket;
	EXCEPTION WHEN unique_violation THEN
		-- Some minutes are stored: insert the others and merge into the stored ones, in key order like
		-- every writer, so that concurrent writers lock them in the same order. "Stored" is what this
		-- statement's snapshot sees: the WHERE leaves alone a minute another writer stored after the
		-- statement began, so fewer minutes come back, and the statement runs again with a snapshot that
		-- sees it (merging a minute twice with the same values changes nothing).
		LOOP
			WITH stored AS MATERIALIZED (
				SELECT n.name, n.schema, n.bucket FROM new_minutes n
				WHERE EXISTS (SELECT FROM internal.metric_rollup_1m o
					WHERE o.schema = n.schema AND o.name = n.name AND o.bucket = n.bucket)
			),
			merged AS (
				INSERT INTO internal.metric_rollup_1m AS m
				SELECT n.* FROM new_minutes n
				ORDER BY n.schema, n.name, n.bucket
				ON CONFLICT (schema, name, bucket) DO UPDATE SET
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
				WHERE (excluded.name, excluded.schema, excluded.bucket) IN (SELECT s.name, s.schema, s.bucket FROM stored s)
				RETURNING 1
			)
			SELECT (SELECT count(*) FROM merged),
				(SELECT array_agg(DISTINCT ROW(s.name, s.schema, internal.time_bucket('1 hour', s.bucket))::internal.rollup_hour)
					FROM stored s)
			INTO written, stored_hours;
			EXIT WHEN written = (SELECT count(*) FROM new_minutes);
		END LOOP;
	END;

	WITH hours AS (
		INSERT INTO internal.metric_rollup_1h AS t
		SELECT internal.time_bucket('1 hour', n.bucket), n.name, n.schema, max(n.max_supply), max(n.max_excluded_supply),
			max(n.max_amount), max(n.max_value), max(coalesce(n.max_supply, n.max_excluded_supply, n.max_amount, n.last_value))
		FROM new_minutes n
		GROUP BY n.name, n.schema, 1
		ORDER BY 2, 3, 1
		ON CONFLICT (name, schema, bucket) DO UPDATE SET
			max_supply = greatest(t.max_supply, excluded.max_supply),
			max_excluded_supply = greatest(t.max_excluded_supply, excluded.max_excluded_supply),
			max_amount = greatest(t.max_amount, excluded.max_amount),
			max_value = greatest(t.max_value, excluded.max_value),
			max_calculated = greatest(t.max_calculated, excluded.max_calculated)
	)
	INSERT INTO internal.metric_rollup_1d AS t
	SELECT internal.time_bucket('1 day', n.bucket), n.name, n.schema, max(n.max_supply), max(n.max_excluded_supply),
		max(n.max_amount), max(n.max_value), max(coalesce(n.max_supply, n.max_excluded_supply, n.max_amount, n.last_value))
	FROM new_minutes n
	GROUP BY n.name, n.schema, 1
	ORDER BY 2, 3, 1
	ON CONFLICT (name, schema, bucket) DO UPDATE SET
		max_supply = greatest(t.max_supply, excluded.max_supply),
		max_excluded_supply = greatest(t.max_excluded_supply, excluded.max_excluded_supply),
		max_amount = greatest(t.max_amount, excluded.max_amount),
		max_value = greatest(t.max_value, excluded.max_value),
		max_calculated = greatest(t.max_calculated, excluded.max_calculated);

	IF stored_hours IS NOT NULL THEN
		PERFORM internal.refresh_metric_tiers(stored_hours);
	END IF;
	RETURN NULL;
END
$$;

-- Samples of internal.prometheus_remote_write: stored (argument 'store', see the top of this file), then
-- folded into the metric rollups and, for schema geo, the coordinates.
CREATE OR REPLACE FUNCTION internal.fold_internal_samples() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	n bigint;
	all_new boolean;
BEGIN
	IF TG_ARGV[0] = 'store' THEN
		BEGIN
			-- Sorted by the unique key so that concurrent writers take their row locks in the same order.
			INSERT INTO internal.prometheus_remote_write (time, tag_id, name, schema, value)
			SELECT s.time, s.tag_id, s.name, s.schema, s.value
			FROM new_samples s
			ORDER BY s.time, s.tag_id, s.name, s.schema;
			GET DIAGNOSTICS n = ROW_COUNT;
			all_new := true;
		EXCEPTION WHEN unique_violation THEN
			all_new := false;
		END;
		IF NOT all_new THEN
			PERFORM internal.create_fold_tables();
			WITH stored AS (
				INSERT INTO internal.prometheus_remote_write AS r (time, tag_id, name, schema, value)
				SELECT DISTINCT ON (s.time, s.tag_id, s.name, s.schema) s.time, s.tag_id, s.name, s.schema, s.value
				FROM new_samples s
				ORDER BY s.time, s.tag_id, s.name, s.schema, s.value
				ON CONFLICT DO NOTHING
				RETURNING r.time, r.tag_id, r.name, r.schema, r.value
			)
			INSERT INTO pg_temp.new_internal_samples SELECT * FROM stored;
			GET DIAGNOSTICS n = ROW_COUNT;
		END IF;
		PERFORM internal.count_inserted(n);
		PERFORM internal.clear_staged(TG_RELID);
		IF NOT all_new THEN
			-- folded by the trigger of pg_temp.new_internal_samples
			RETURN NULL;
		END IF;
	END IF;

	PERFORM internal.create_fold_tables();
	WITH tag_numbers AS MATERIALIZED (
		-- the numbers of each tag once, not once per sample
		SELECT t.tag_id, internal.to_numeric_or_null(t.supply) AS supply,
			internal.to_numeric_or_null(t.excluded_supply) AS excluded_supply, internal.to_numeric_or_null(t.amount) AS amount
		FROM internal.prometheus_remote_write_tag t
		WHERE t.tag_id IN (SELECT s.tag_id FROM new_samples s)
	)
	INSERT INTO pg_temp.new_internal_minutes (bucket, name, schema, max_supply, max_excluded_supply, max_amount,
		max_value, last_time, last_tag_id, last_value)
	SELECT internal.time_bucket('1 minute', r.time), r.name, r.schema, max(t.supply), max(t.excluded_supply),
		max(t.amount), max(r.value), max(r.time),
		-- The latest sample's tag and value: the greatest (time, tag_id), found by max() over arrays, which
		-- needs no sort; a metric's rows never share both time and tag_id (the raw table's unique key).
		(max(ARRAY[extract(epoch FROM r.time), r.tag_id, r.value]))[2]::bigint,
		(max(ARRAY[extract(epoch FROM r.time), r.tag_id, r.value]))[3]
	FROM new_samples r
	LEFT JOIN tag_numbers t ON t.tag_id = r.tag_id
	GROUP BY r.name, r.schema, 1;

	-- Per minute and instance (from the tag row; samples without one are skipped): the latest latitude,
	-- longitude and metadata sample.
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
	FROM new_samples r
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
			THEN excluded.city ELSE g.city END;
	RETURN NULL;
END
$$;

-- Samples of cumsum.prometheus_remote_write: stored (argument 'store', see the top of this file), then
-- added to the per-minute sums, the all-time totals and the hour and day sums. Sums merge by addition,
-- so every tier is exact after an upsert.
CREATE OR REPLACE FUNCTION internal.fold_cumsum_samples() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	n bigint;
	all_new boolean;
BEGIN
	IF TG_ARGV[0] = 'store' THEN
		BEGIN
			-- Sorted by the unique key so that concurrent writers take their row locks in the same order.
			INSERT INTO cumsum.prometheus_remote_write (time, tag_id, name, schema, value)
			SELECT s.time, s.tag_id, s.name, s.schema, s.value
			FROM new_samples s
			ORDER BY s.time, s.tag_id, s.name, s.schema;
			GET DIAGNOSTICS n = ROW_COUNT;
			all_new := true;
		EXCEPTION WHEN unique_violation THEN
			all_new := false;
		END;
		IF NOT all_new THEN
			PERFORM internal.create_fold_tables();
			WITH stored AS (
				INSERT INTO cumsum.prometheus_remote_write AS r (time, tag_id, name, schema, value)
				SELECT DISTINCT ON (s.time, s.tag_id, s.name, s.schema) s.time, s.tag_id, s.name, s.schema, s.value
				FROM new_samples s
				ORDER BY s.time, s.tag_id, s.name, s.schema, s.value
				ON CONFLICT DO NOTHING
				RETURNING r.time, r.tag_id, r.name, r.schema, r.value
			)
			INSERT INTO pg_temp.new_cumsum_samples SELECT * FROM stored;
			GET DIAGNOSTICS n = ROW_COUNT;
		END IF;
		PERFORM internal.count_inserted(n);
		PERFORM internal.clear_staged(TG_RELID);
		IF NOT all_new THEN
			-- folded by the trigger of pg_temp.new_cumsum_samples
			RETURN NULL;
		END IF;
	END IF;

	WITH minutes (bucket, name, schema, sum_value) AS MATERIALIZED (
		SELECT internal.time_bucket('1 minute', r.time), r.name, r.schema, sum(r.value)
		FROM new_samples r
		GROUP BY r.name, r.schema, 1
	),
	minute_sums AS (
		INSERT INTO cumsum.all_metrics_minute AS c
		SELECT * FROM minutes d
		ORDER BY d.name, d.schema, d.bucket
		ON CONFLICT (name, schema, bucket) DO UPDATE SET sum_value = c.sum_value + excluded.sum_value
	),
	totals AS (
		INSERT INTO cumsum.metric_totals AS t (name, schema, sum_value, last_bucket)
		SELECT d.name, d.schema, sum(d.sum_value), max(d.bucket) FROM minutes d
		GROUP BY d.name, d.schema
		ORDER BY d.name, d.schema
		ON CONFLICT (name, schema) DO UPDATE SET sum_value = t.sum_value + excluded.sum_value,
			last_bucket = greatest(t.last_bucket, excluded.last_bucket)
	),
	hour_sums AS (
		INSERT INTO cumsum.sum_rollup_1h AS c
		SELECT internal.time_bucket('1 hour', d.bucket), d.name, d.schema, sum(d.sum_value)
		FROM minutes d
		GROUP BY d.name, d.schema, 1
		ORDER BY d.name, d.schema, 1
		ON CONFLICT (name, schema, bucket) DO UPDATE SET sum_value = c.sum_value + excluded.sum_value
	)
	INSERT INTO cumsum.sum_rollup_1d AS c
	SELECT internal.time_bucket('1 day', d.bucket), d.name, d.schema, sum(d.sum_value)
	FROM minutes d
	GROUP BY d.name, d.schema, 1
	ORDER BY d.name, d.schema, 1
	ON CONFLICT (name, schema, bucket) DO UPDATE SET sum_value = c.sum_value + excluded.sum_value;
	RETURN NULL;
END
$$;

-- This session's staging tables, unless it has them: temporary, emptied at commit, flushed by the same
-- triggers as the shared staging tables.
DROP FUNCTION IF EXISTS internal.create_session_staging();
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
		REFERENCING NEW TABLE AS new_samples FOR EACH STATEMENT EXECUTE FUNCTION internal.fold_internal_samples('store');
	CREATE TRIGGER flush AFTER INSERT ON pg_temp.staged_cumsum_samples
		REFERENCING NEW TABLE AS new_samples FOR EACH STATEMENT EXECUTE FUNCTION internal.fold_cumsum_samples('store');
	PERFORM internal.create_fold_tables();
END
$$;

DROP TRIGGER IF EXISTS flush ON staging_internal.prometheus_remote_write_tag;
CREATE TRIGGER flush AFTER INSERT ON staging_internal.prometheus_remote_write_tag
	REFERENCING NEW TABLE AS staged FOR EACH STATEMENT EXECUTE FUNCTION internal.flush_staged_tags();
DROP TRIGGER IF EXISTS flush ON staging_cumsum.prometheus_remote_write_tag;
CREATE TRIGGER flush AFTER INSERT ON staging_cumsum.prometheus_remote_write_tag
	REFERENCING NEW TABLE AS staged FOR EACH STATEMENT EXECUTE FUNCTION internal.flush_staged_tags();
DROP TRIGGER IF EXISTS flush ON staging_internal.prometheus_remote_write;
CREATE TRIGGER flush AFTER INSERT ON staging_internal.prometheus_remote_write
	REFERENCING NEW TABLE AS new_samples FOR EACH STATEMENT EXECUTE FUNCTION internal.fold_internal_samples('store');
DROP TRIGGER IF EXISTS flush ON staging_cumsum.prometheus_remote_write;
CREATE TRIGGER flush AFTER INSERT ON staging_cumsum.prometheus_remote_write
	REFERENCING NEW TABLE AS new_samples FOR EACH STATEMENT EXECUTE FUNCTION internal.fold_cumsum_samples('store');

-- Internal functions are the owner's alone (V1's default privileges already keep PUBLIC out of those
-- the migrating role creates).
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA internal FROM PUBLIC;
