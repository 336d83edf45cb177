-- The read and write API (served at /rpc/<name>) and the internal functions only it uses. Every api
-- function runs as its owner (SECURITY DEFINER) with a fixed search_path and fully qualified names; read
-- functions are STABLE, and all functions with arguments are STRICT (a null argument gives no rows).
-- Values are text so big numbers keep every digit. Bucketing is internal.time_bucket, equal to
-- TimescaleDB's time_bucket.
--
-- Range functions read the coarsest rollups that give exactly the result of the raw rows and the minute
-- rollups: a range is tiled into whole days from the day rollups, whole hours around them from the hour
-- rollups, whole minutes around those from the minute rollups and, for get_agg_metric, the partial minutes
-- at the edges from the raw rows. A coarser tile is used only when every bucket of p_interval is a union of
-- such tiles (p_interval a whole multiple of the tile, or whole months: all bucket boundaries then fall on
-- tile boundaries, time_bucket's origins being midnight UTC). Maxima and sums of tiles are the maxima and
-- sums of their rows, so every bucket gets the same value as from the finer data; anything else (seconds,
-- widths TimescaleDB rejects) reads the finer data, with the same errors.
--
-- Repeatable: Flyway runs this file again whenever it changes, after the versioned migrations. Each
-- function is dropped and created again (a RETURNS TABLE cannot be changed in place), so the grants
-- follow at the end, and the NOTIFY after them makes running gateways reload their list of functions.

-- "does not exist, skipping" from the DROPs of a first run is no news for the log.
SET LOCAL client_min_messages = warning;

-- The tiling of the whole minutes [p_lo, p_hi): hours [h_lo, h_hi) and, inside them, days [d_lo, d_hi) where
-- p_interval allows them; an unused level is an empty range at the end of its outer one, so that the
-- minutes are always [p_lo, h_lo) and [h_hi, p_hi), the hours [h_lo, d_lo) and [d_hi, h_hi).
DROP FUNCTION IF EXISTS internal.rollup_tiles(interval, timestamptz, timestamptz);
CREATE FUNCTION internal.rollup_tiles(p_interval interval, p_lo timestamptz, p_hi timestamptz,
	OUT h_lo timestamptz, OUT h_hi timestamptz, OUT d_lo timestamptz, OUT d_hi timestamptz)
LANGUAGE plpgsql IMMUTABLE
AS $$
BEGIN
	h_lo := p_hi;
	h_hi := p_hi;
	IF p_lo < p_hi AND internal.interval_divides(p_interval, interval '1 hour') THEN
		h_lo := internal.ceil_bucket(interval '1 hour', p_lo);
		h_hi := internal.time_bucket(interval '1 hour', p_hi);
		IF h_lo >= h_hi THEN
			h_lo := p_hi;
			h_hi := p_hi;
		END IF;
	END IF;
	d_lo := h_hi;
	d_hi := h_hi;
	IF h_lo < h_hi AND internal.interval_divides(p_interval, interval '1 day') THEN
		d_lo := internal.ceil_bucket(interval '1 day', h_lo);
		d_hi := internal.time_bucket(interval '1 day', h_hi);
		IF d_lo >= d_hi THEN
			d_lo := h_hi;
			d_hi := h_hi;
		END IF;
	END IF;
END
$$;

-- Per bucket: the tokenomics inputs of one schema (maxima of the calculated values, internal.cagg_calculated_metric)
-- and the power conversion of any schema it has; NULL where a bucket has no such row. The minutes are tiled
-- as in get_agg_metric, and each (name, schema) is read through its primary key.
DROP FUNCTION IF EXISTS internal.tokenomics(text, interval, timestamptz, timestamptz);
CREATE FUNCTION internal.tokenomics(p_schema text, p_interval interval, p_from timestamptz, p_to timestamptz)
RETURNS TABLE (bucket timestamptz, total_supply numeric, excluded_supply numeric, locked_tokens numeric,
	locked_fees numeric, burned numeric, power_conversion numeric)
LANGUAGE plpgsql STABLE
AS $$
#variable_conflict use_column
DECLARE
	m_lo timestamptz := internal.ceil_bucket(interval '1 minute', p_from);
	m_hi timestamptz := internal.ceil_bucket(interval '1 minute', p_to);
	t record;
BEGIN
	IF NOT m_lo < m_hi THEN
		RETURN;
	END IF;
	SELECT * INTO t FROM internal.rollup_tiles(p_interval, m_lo, m_hi);
	RETURN QUERY
	WITH pairs AS (
		SELECT n.name, p_schema AS schema
		FROM pg_catalog.unnest(ARRAY['manifest_tokenomics_total_supply', 'manifest_tokenomics_excluded_supply',
			'locked_tokens', 'locked_fees', 'total_mfx_burned', 'talib_mfx_power_conversion']) AS n (name)
		UNION
		SELECT DISTINCT d.name, d.schema FROM internal.metric_rollup_1d d WHERE d.name = 'talib_mfx_power_conversion'
	),
	c AS (
		SELECT p.name, p.schema, x.bucket, x.value
		FROM pairs p
		CROSS JOIN LATERAL (
			SELECT m.bucket, coalesce(m.max_supply, m.max_excluded_supply, m.max_amount, m.last_value) AS value
			FROM internal.metric_rollup_1m m
			WHERE m.name = p.name AND m.schema = p.schema AND m.bucket >= m_lo AND m.bucket < t.h_lo
			UNION ALL
			SELECT m.bucket, coalesce(m.max_supply, m.max_excluded_supply, m.max_amount, m.last_value)
			FROM internal.metric_rollup_1m m
			WHERE m.name = p.name AND m.schema = p.schema AND m.bucket >= t.h_hi AND m.bucket < m_hi
			UNION ALL
			SELECT h.bucket, h.max_calculated FROM internal.metric_rollup_1h h
			WHERE h.name = p.name AND h.schema = p.schema AND h.bucket >= t.h_lo AND h.bucket < t.d_lo
			UNION ALL
			SELECT h.bucket, h.max_calculated FROM internal.metric_rollup_1h h
			WHERE h.name = p.name AND h.schema = p.schema AND h.bucket >= t.d_hi AND h.bucket < t.h_hi
			UNION ALL
			SELECT d.bucket, d.max_calculated FROM internal.metric_rollup_1d d
			WHERE d.name = p.name AND d.schema = p.schema AND d.bucket >= t.d_lo AND d.bucket < t.d_hi
		) AS x
	)
	SELECT internal.time_bucket(p_interval, c.bucket),
		max(c.value) FILTER (WHERE c.schema = p_schema AND c.name = 'manifest_tokenomics_total_supply'),
		max(c.value) FILTER (WHERE c.schema = p_schema AND c.name = 'manifest_tokenomics_excluded_supply'),
		max(c.value) FILTER (WHERE c.schema = p_schema AND c.name = 'locked_tokens'),
		max(c.value) FILTER (WHERE c.schema = p_schema AND c.name = 'locked_fees'),
		max(c.value) FILTER (WHERE c.schema = p_schema AND c.name = 'total_mfx_burned'),
		max(c.value) FILTER (WHERE c.name = 'talib_mfx_power_conversion')
	FROM c
	GROUP BY 1;
END
$$;

-- The newest minute of every metric of one schema. The metrics and the day of each one's newest minute
-- come from the day rollup (every minute has its day there, written in the same transaction), a small
-- plain table; the newest minute is then looked up within that day. Each lookup is planned with its
-- values (force_custom_plan): in TimescaleDB mode the minute rollup is a hypertable of many chunks, and
-- only a plan for known bounds leaves out all chunks but one, where a generic plan visits every chunk.
DROP FUNCTION IF EXISTS internal.latest_per_name(text);
CREATE FUNCTION internal.latest_per_name(p_schema text)
RETURNS TABLE (bucket timestamptz, name text, value numeric)
LANGUAGE plpgsql STABLE SET plan_cache_mode = force_custom_plan
AS $$
#variable_conflict use_column
DECLARE
	r record;
BEGIN
	FOR r IN
		WITH RECURSIVE names (name) AS (
			(SELECT d.name FROM internal.metric_rollup_1d d WHERE d.schema = p_schema ORDER BY d.name LIMIT 1)
			UNION ALL
			SELECT (SELECT d.name FROM internal.metric_rollup_1d d WHERE d.schema = p_schema AND d.name > n.name
				ORDER BY d.name LIMIT 1)
			FROM names n WHERE n.name IS NOT NULL
		)
		SELECT n.name AS metric,
			(SELECT max(d.bucket) FROM internal.metric_rollup_1d d WHERE d.name = n.name AND d.schema = p_schema) AS day
		FROM names n WHERE n.name IS NOT NULL
	LOOP
		RETURN QUERY
		SELECT m.bucket, m.name, coalesce(m.max_supply, m.max_excluded_supply, m.max_amount, m.last_value)
		FROM internal.metric_rollup_1m m
		WHERE m.schema = p_schema AND m.name = r.metric AND m.bucket >= r.day AND m.bucket < r.day + interval '1 day'
		ORDER BY m.bucket DESC
		LIMIT 1;
	END LOOP;
END
$$;

-- The newest minute in [now() - 1 day, now()) that has one of p_names in p_schema: the bucket of the newest
-- row of the matching get_agg_* over that range at 1 minute (its rows are the minutes with such a name).
DROP FUNCTION IF EXISTS internal.newest_minute(text, text[]);
CREATE FUNCTION internal.newest_minute(p_schema text, p_names text[]) RETURNS timestamptz
LANGUAGE sql STABLE
AS $$
	SELECT max(l.bucket)
	FROM pg_catalog.unnest(p_names) AS n (name)
	CROSS JOIN LATERAL (
		SELECT m.bucket FROM internal.metric_rollup_1m m
		WHERE m.name = n.name AND m.schema = p_schema AND m.bucket >= now() - interval '1 day' AND m.bucket < now()
		ORDER BY m.bucket DESC
		LIMIT 1
	) AS l
$$;

-- Maxima per bucket of the metric's tag numbers, else of its values. Retention may have removed the
-- oldest raw rows (rollups are kept), and a rollup tile stands in for raw rows only where they are
-- complete: tiles start at the first minute that still has all its raw rows (that of the oldest raw row
-- when it starts the minute, else the next); earlier rows, and widths that are not whole minutes, are read
-- raw.
DROP FUNCTION IF EXISTS api.get_agg_metric(text, text, interval, timestamptz, timestamptz);
CREATE FUNCTION api.get_agg_metric(p_metric_name text, p_schema text, p_interval interval,
	p_from timestamptz, p_to timestamptz)
RETURNS TABLE ("timestamp" timestamptz, value text)
LANGUAGE plpgsql STABLE STRICT SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
	oldest timestamptz;
	m_lo timestamptz;
	m_hi timestamptz;
	t record;
BEGIN
	SELECT min(r.time) INTO oldest FROM internal.prometheus_remote_write r
	WHERE r.name = p_metric_name AND r.schema = p_schema;
	IF oldest IS NULL THEN
		RETURN;
	END IF;
	m_lo := internal.ceil_bucket(interval '1 minute', greatest(p_from, internal.ceil_bucket(interval '1 minute', oldest)));
	m_hi := internal.time_bucket(interval '1 minute', p_to);
	IF m_lo >= m_hi OR NOT internal.interval_divides(p_interval, interval '1 minute') THEN
		-- widths of seconds, or no complete minute: the raw rows
		RETURN QUERY
		SELECT internal.time_bucket(p_interval, r.time),
			coalesce(max(internal.to_numeric_or_null(g.supply)), max(internal.to_numeric_or_null(g.excluded_supply)),
				max(internal.to_numeric_or_null(g.amount)), max(r.value))::text
		FROM internal.prometheus_remote_write r
		LEFT JOIN internal.prometheus_remote_write_tag g ON g.tag_id = r.tag_id
		WHERE r.name = p_metric_name AND r.schema = p_schema AND r.time >= p_from AND r.time < p_to
		GROUP BY 1
		ORDER BY 1 DESC;
		RETURN;
	END IF;
	SELECT * INTO t FROM internal.rollup_tiles(p_interval, m_lo, m_hi);
	RETURN QUERY
	SELECT internal.time_bucket(p_interval, x.at),
		coalesce(max(x.max_supply), max(x.max_excluded_supply), max(x.max_amount), max(x.max_value))::text
	FROM (
		SELECT r.time AS at, internal.to_numeric_or_null(g.supply) AS max_supply,
			internal.to_numeric_or_null(g.excluded_supply) AS max_excluded_supply,
			internal.to_numeric_or_null(g.amount) AS max_amount, r.value AS max_value
		FROM internal.prometheus_remote_write r
		LEFT JOIN internal.prometheus_remote_write_tag g ON g.tag_id = r.tag_id
		WHERE r.name = p_metric_name AND r.schema = p_schema AND r.time >= p_from AND r.time < m_lo
		UNION ALL
		SELECT r.time, internal.to_numeric_or_null(g.supply), internal.to_numeric_or_null(g.excluded_supply),
			internal.to_numeric_or_null(g.amount), r.value
		FROM internal.prometheus_remote_write r
		LEFT JOIN internal.prometheus_remote_write_tag g ON g.tag_id = r.tag_id
		WHERE r.name = p_metric_name AND r.schema = p_schema AND r.time >= m_hi AND r.time < p_to
		UNION ALL
		SELECT m.bucket, m.max_supply, m.max_excluded_supply, m.max_amount, m.max_value
		FROM internal.metric_rollup_1m m
		WHERE m.name = p_metric_name AND m.schema = p_schema AND m.bucket >= m_lo AND m.bucket < t.h_lo
		UNION ALL
		SELECT m.bucket, m.max_supply, m.max_excluded_supply, m.max_amount, m.max_value
		FROM internal.metric_rollup_1m m
		WHERE m.name = p_metric_name AND m.schema = p_schema AND m.bucket >= t.h_hi AND m.bucket < m_hi
		UNION ALL
		SELECT h.bucket, h.max_supply, h.max_excluded_supply, h.max_amount, h.max_value
		FROM internal.metric_rollup_1h h
		WHERE h.name = p_metric_name AND h.schema = p_schema AND h.bucket >= t.h_lo AND h.bucket < t.d_lo
		UNION ALL
		SELECT h.bucket, h.max_supply, h.max_excluded_supply, h.max_amount, h.max_value
		FROM internal.metric_rollup_1h h
		WHERE h.name = p_metric_name AND h.schema = p_schema AND h.bucket >= t.d_hi AND h.bucket < t.h_hi
		UNION ALL
		SELECT d.bucket, d.max_supply, d.max_excluded_supply, d.max_amount, d.max_value
		FROM internal.metric_rollup_1d d
		WHERE d.name = p_metric_name AND d.schema = p_schema AND d.bucket >= t.d_lo AND d.bucket < t.d_hi
	) AS x
	GROUP BY 1
	ORDER BY 1 DESC;
END
$$;

-- The running total per bucket: every value before the range, plus the range's buckets so far. Minute
-- buckets b with p_from <= b < p_to are exactly [ceil(p_from), ceil(p_to)) in minutes.
DROP FUNCTION IF EXISTS api.get_agg_cumsum_metric(text, text, interval, timestamptz, timestamptz);
CREATE FUNCTION api.get_agg_cumsum_metric(p_metric_name text, p_schema text, p_interval interval,
	p_from timestamptz, p_to timestamptz)
RETURNS TABLE ("timestamp" timestamptz, value text)
LANGUAGE plpgsql STABLE STRICT SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
	m_lo timestamptz := internal.ceil_bucket(interval '1 minute', p_from);
	m_hi timestamptz := internal.ceil_bucket(interval '1 minute', p_to);
	base numeric;
	t record;
BEGIN
	-- the sum of every minute before m_lo: whole days, then hours, then minutes
	SELECT coalesce(sum(x.sum_value), 0) INTO base
	FROM (
		SELECT d.sum_value FROM cumsum.sum_rollup_1d d
		WHERE d.name = p_metric_name AND d.schema = p_schema AND d.bucket < internal.time_bucket(interval '1 day', m_lo)
		UNION ALL
		SELECT h.sum_value FROM cumsum.sum_rollup_1h h
		WHERE h.name = p_metric_name AND h.schema = p_schema AND h.bucket >= internal.time_bucket(interval '1 day', m_lo)
			AND h.bucket < internal.time_bucket(interval '1 hour', m_lo)
		UNION ALL
		SELECT c.sum_value FROM cumsum.all_metrics_minute c
		WHERE c.name = p_metric_name AND c.schema = p_schema AND c.bucket >= internal.time_bucket(interval '1 hour', m_lo)
			AND c.bucket < m_lo
	) AS x;
	SELECT * INTO t FROM internal.rollup_tiles(p_interval, m_lo, m_hi);
	RETURN QUERY
	SELECT p.bucket, (base + sum(p.period_sum) OVER (ORDER BY p.bucket))::text
	FROM (
		SELECT internal.time_bucket(p_interval, x.bucket) AS bucket, sum(x.sum_value) AS period_sum
		FROM (
			SELECT c.bucket, c.sum_value FROM cumsum.all_metrics_minute c
			WHERE c.name = p_metric_name AND c.schema = p_schema AND c.bucket >= m_lo AND c.bucket < t.h_lo
			UNION ALL
			SELECT c.bucket, c.sum_value FROM cumsum.all_metrics_minute c
			WHERE c.name = p_metric_name AND c.schema = p_schema AND c.bucket >= t.h_hi AND c.bucket < m_hi
			UNION ALL
			SELECT h.bucket, h.sum_value FROM cumsum.sum_rollup_1h h
			WHERE h.name = p_metric_name AND h.schema = p_schema AND h.bucket >= t.h_lo AND h.bucket < t.d_lo
			UNION ALL
			SELECT h.bucket, h.sum_value FROM cumsum.sum_rollup_1h h
			WHERE h.name = p_metric_name AND h.schema = p_schema AND h.bucket >= t.d_hi AND h.bucket < t.h_hi
			UNION ALL
			SELECT d.bucket, d.sum_value FROM cumsum.sum_rollup_1d d
			WHERE d.name = p_metric_name AND d.schema = p_schema AND d.bucket >= t.d_lo AND d.bucket < t.d_hi
		) AS x
		GROUP BY 1
	) AS p
	ORDER BY p.bucket;
END
$$;

DROP FUNCTION IF EXISTS api.get_agg_circulating_supply(text, interval, timestamptz, timestamptz);
CREATE FUNCTION api.get_agg_circulating_supply(p_schema text, p_interval interval, p_from timestamptz,
	p_to timestamptz)
RETURNS TABLE ("timestamp" timestamptz, value text)
LANGUAGE sql STABLE STRICT SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
	SELECT k.bucket,
		(coalesce(k.total_supply, 0) - coalesce(k.excluded_supply, 0) - coalesce(k.locked_tokens, 0)
			- coalesce(k.locked_fees, 0))::text
	FROM internal.tokenomics(p_schema, p_interval, p_from, p_to) k
	WHERE coalesce(k.total_supply, k.excluded_supply, k.locked_tokens, k.locked_fees) IS NOT NULL
	ORDER BY k.bucket
$$;

DROP FUNCTION IF EXISTS api.get_agg_burned_supply(text, interval, timestamptz, timestamptz);
CREATE FUNCTION api.get_agg_burned_supply(p_schema text, p_interval interval, p_from timestamptz,
	p_to timestamptz)
RETURNS TABLE ("timestamp" timestamptz, value text)
LANGUAGE sql STABLE STRICT SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
	SELECT k.bucket, k.burned::text
	FROM internal.tokenomics(p_schema, p_interval, p_from, p_to) k
	WHERE k.burned IS NOT NULL
	ORDER BY k.bucket
$$;

DROP FUNCTION IF EXISTS api.get_agg_fdv(text, interval, timestamptz, timestamptz);
CREATE FUNCTION api.get_agg_fdv(p_schema text, p_interval interval, p_from timestamptz, p_to timestamptz)
RETURNS TABLE ("timestamp" timestamptz, value text)
LANGUAGE sql STABLE STRICT SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
	SELECT k.bucket, (k.total_supply * coalesce(k.power_conversion, 0))::text
	FROM internal.tokenomics(p_schema, p_interval, p_from, p_to) k
	WHERE k.total_supply IS NOT NULL
	ORDER BY k.bucket
$$;

DROP FUNCTION IF EXISTS api.get_agg_market_cap(text, interval, timestamptz, timestamptz);
CREATE FUNCTION api.get_agg_market_cap(p_schema text, p_interval interval, p_from timestamptz,
	p_to timestamptz)
RETURNS TABLE ("timestamp" timestamptz, value text)
LANGUAGE sql STABLE STRICT SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
	SELECT k.bucket,
		((coalesce(k.total_supply, 0) - coalesce(k.excluded_supply, 0) - coalesce(k.locked_tokens, 0)
			- coalesce(k.locked_fees, 0)) * coalesce(k.power_conversion, 0))::text
	FROM internal.tokenomics(p_schema, p_interval, p_from, p_to) k
	WHERE coalesce(k.total_supply, k.excluded_supply, k.locked_tokens, k.locked_fees) IS NOT NULL
	ORDER BY k.bucket
$$;

-- The get_latest_* functions: the newest row of the matching get_agg_* over the last day at 1 minute,
-- computed for that minute only.
DROP FUNCTION IF EXISTS api.get_latest_circulating_supply(text);
CREATE FUNCTION api.get_latest_circulating_supply(p_schema text)
RETURNS TABLE ("timestamp" timestamptz, value text)
LANGUAGE sql STABLE STRICT SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
	SELECT a."timestamp", a.value
	FROM internal.newest_minute(p_schema, ARRAY['manifest_tokenomics_total_supply',
		'manifest_tokenomics_excluded_supply', 'locked_tokens', 'locked_fees']) AS b (bucket)
	CROSS JOIN LATERAL api.get_agg_circulating_supply(p_schema, interval '1 minute', b.bucket,
		b.bucket + interval '1 minute') AS a
	ORDER BY a."timestamp" DESC
	LIMIT 1
$$;

DROP FUNCTION IF EXISTS api.get_latest_burned_supply(text);
CREATE FUNCTION api.get_latest_burned_supply(p_schema text)
RETURNS TABLE ("timestamp" timestamptz, value text)
LANGUAGE sql STABLE STRICT SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
	SELECT a."timestamp", a.value
	FROM internal.newest_minute(p_schema, ARRAY['total_mfx_burned']) AS b (bucket)
	CROSS JOIN LATERAL api.get_agg_burned_supply(p_schema, interval '1 minute', b.bucket,
		b.bucket + interval '1 minute') AS a
	ORDER BY a."timestamp" DESC
	LIMIT 1
$$;

DROP FUNCTION IF EXISTS api.get_latest_fdv(text);
CREATE FUNCTION api.get_latest_fdv(p_schema text)
RETURNS TABLE ("timestamp" timestamptz, value text)
LANGUAGE sql STABLE STRICT SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
	SELECT a."timestamp", a.value
	FROM internal.newest_minute(p_schema, ARRAY['manifest_tokenomics_total_supply']) AS b (bucket)
	CROSS JOIN LATERAL api.get_agg_fdv(p_schema, interval '1 minute', b.bucket, b.bucket + interval '1 minute') AS a
	ORDER BY a."timestamp" DESC
	LIMIT 1
$$;

DROP FUNCTION IF EXISTS api.get_latest_market_cap(text);
CREATE FUNCTION api.get_latest_market_cap(p_schema text)
RETURNS TABLE ("timestamp" timestamptz, value text)
LANGUAGE sql STABLE STRICT SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
	SELECT a."timestamp", a.value
	FROM internal.newest_minute(p_schema, ARRAY['manifest_tokenomics_total_supply',
		'manifest_tokenomics_excluded_supply', 'locked_tokens', 'locked_fees']) AS b (bucket)
	CROSS JOIN LATERAL api.get_agg_market_cap(p_schema, interval '1 minute', b.bucket,
		b.bucket + interval '1 minute') AS a
	ORDER BY a."timestamp" DESC
	LIMIT 1
$$;

DROP FUNCTION IF EXISTS api.get_all_latest_token_metrics(text);
CREATE FUNCTION api.get_all_latest_token_metrics(p_schema text)
RETURNS TABLE ("timestamp" timestamptz, table_name text, value text)
LANGUAGE sql STABLE STRICT SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
	SELECT c."timestamp", 'circulating_supply', c.value FROM api.get_latest_circulating_supply(p_schema) c
	UNION ALL
	SELECT f."timestamp", 'fdv', f.value FROM api.get_latest_fdv(p_schema) f
	UNION ALL
	SELECT m."timestamp", 'market_cap', m.value FROM api.get_latest_market_cap(p_schema) m
$$;

DROP FUNCTION IF EXISTS api.get_latest_mainnet_circulating_supply_value();
CREATE FUNCTION api.get_latest_mainnet_circulating_supply_value()
RETURNS numeric
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
	SELECT c.value::numeric FROM api.get_latest_circulating_supply('mainnet') c
$$;

DROP FUNCTION IF EXISTS api.get_latest_mainnet_total_supply_value();
CREATE FUNCTION api.get_latest_mainnet_total_supply_value()
RETURNS numeric
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
	SELECT max(internal.to_numeric_or_null(t.supply)) FROM internal.prometheus_remote_write_tag t
$$;

DROP FUNCTION IF EXISTS api.get_all_latest_mainnet_metrics();
CREATE FUNCTION api.get_all_latest_mainnet_metrics()
RETURNS TABLE ("timestamp" timestamptz, table_name text, value text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
	SELECT l.bucket, l.name, l.value::text FROM internal.latest_per_name('mainnet') l ORDER BY l.name
$$;

DROP FUNCTION IF EXISTS api.get_all_latest_testnet_metrics();
CREATE FUNCTION api.get_all_latest_testnet_metrics()
RETURNS TABLE ("timestamp" timestamptz, table_name text, value text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
	SELECT l.bucket, l.name, l.value::text FROM internal.latest_per_name('testnet') l ORDER BY l.name
$$;

DROP FUNCTION IF EXISTS api.get_all_latest_common_metrics();
CREATE FUNCTION api.get_all_latest_common_metrics()
RETURNS TABLE ("timestamp" timestamptz, table_name text, value text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
	SELECT l.bucket, l.name, l.value::text FROM internal.latest_per_name('common') l ORDER BY l.name
$$;

-- Per cumulative metric: the sum of every value ever written (all schemas) and its newest minute.
DROP FUNCTION IF EXISTS api.get_all_latest_cumsum_metrics();
CREATE FUNCTION api.get_all_latest_cumsum_metrics()
RETURNS TABLE ("timestamp" timestamptz, table_name text, value text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
	SELECT max(t.last_bucket), t.name, sum(t.sum_value)::text
	FROM cumsum.metric_totals t
	GROUP BY t.name
	ORDER BY t.name
$$;

-- Every instance of the newest minute of the coordinates rollup, its coordinates as double precision.
DROP FUNCTION IF EXISTS api.get_latest_geo_coordinates();
CREATE FUNCTION api.get_latest_geo_coordinates()
RETURNS TABLE (latitude double precision, longitude double precision, country_name text, city text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
	SELECT g.latitude::double precision, g.longitude::double precision, g.country_name, g.city
	FROM geo.latest_coords g
	WHERE g.bucket = (SELECT max(l.bucket) FROM geo.latest_coords l)
	ORDER BY g.instance
$$;

DROP FUNCTION IF EXISTS api.get_excluded_addresses();
CREATE FUNCTION api.get_excluded_addresses()
RETURNS TABLE (id integer, value text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
	SELECT e.id, e.value FROM internal.excluded_addresses e ORDER BY e.id
$$;

DROP FUNCTION IF EXISTS api.add_excluded_address(text);
CREATE FUNCTION api.add_excluded_address(p_value text)
RETURNS void
LANGUAGE sql VOLATILE STRICT SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
	INSERT INTO internal.excluded_addresses (value) VALUES (p_value)
$$;

DROP FUNCTION IF EXISTS api.rm_excluded_address(text);
CREATE FUNCTION api.rm_excluded_address(p_value text)
RETURNS void
LANGUAGE sql VOLATILE STRICT SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
	DELETE FROM internal.excluded_addresses e WHERE e.value = p_value
$$;

-- Grants, here because this file creates the functions anew whenever it runs. Every read function of the
-- api schema (all but the two writer functions) for both API roles; the internal functions for nobody.
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA api FROM PUBLIC;
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA internal FROM PUBLIC;
DO $$
DECLARE
	f regprocedure;
BEGIN
	FOR f IN
		SELECT p.oid::regprocedure FROM pg_catalog.pg_proc p
		WHERE p.pronamespace = 'api'::regnamespace
			AND p.proname NOT IN ('add_excluded_address', 'rm_excluded_address')
	LOOP
		EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO web_anon, writer', f);
	END LOOP;
END
$$;
GRANT EXECUTE ON FUNCTION api.add_excluded_address(text), api.rm_excluded_address(text) TO writer;

NOTIFY pgrst, 'reload schema';
