-- Reference for RollupReadsTest: the api functions as first written, reading only the raw rows and the
-- minute rollups. The test loads this file into a schema "reference" and compares every answer of the
-- api schema with it. Not a migration.
--
-- The read and write API (served at /rpc/<name>). Every function runs as its owner (SECURITY DEFINER)
-- with a fixed search_path and fully qualified names; read functions are STABLE, and all functions
-- with arguments are STRICT (a null argument gives no rows). Values are text so big numbers keep every
-- digit. Bucketing is internal.time_bucket, equal to TimescaleDB's time_bucket.

CREATE FUNCTION api.get_agg_metric(p_metric_name text, p_schema text, p_interval interval,
	p_from timestamptz, p_to timestamptz)
RETURNS TABLE ("timestamp" timestamptz, value text)
LANGUAGE sql STABLE STRICT SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
	SELECT internal.time_bucket(p_interval, r.time),
		coalesce(max(internal.to_numeric_or_null(t.supply)), max(internal.to_numeric_or_null(t.excluded_supply)),
			max(internal.to_numeric_or_null(t.amount)), max(r.value))::text
	FROM internal.prometheus_remote_write r
	LEFT JOIN internal.prometheus_remote_write_tag t ON t.tag_id = r.tag_id
	WHERE r.name = p_metric_name AND r.schema = p_schema AND r.time >= p_from AND r.time < p_to
	GROUP BY 1
	ORDER BY 1 DESC
$$;

CREATE FUNCTION api.get_agg_cumsum_metric(p_metric_name text, p_schema text, p_interval interval,
	p_from timestamptz, p_to timestamptz)
RETURNS TABLE ("timestamp" timestamptz, value text)
LANGUAGE sql STABLE STRICT SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
	SELECT p.bucket,
		((SELECT coalesce(sum(c.sum_value), 0) FROM cumsum.all_metrics_minute c
			WHERE c.name = p_metric_name AND c.schema = p_schema AND c.bucket < p_from)
		+ sum(p.period_sum) OVER (ORDER BY p.bucket))::text
	FROM (
		SELECT internal.time_bucket(p_interval, c.bucket) AS bucket, sum(c.sum_value) AS period_sum
		FROM cumsum.all_metrics_minute c
		WHERE c.name = p_metric_name AND c.schema = p_schema AND c.bucket >= p_from AND c.bucket < p_to
		GROUP BY 1
	) AS p
	ORDER BY p.bucket
$$;

-- Per bucket: the tokenomics inputs of one schema (maxima over the calculated-metric rollup) and the
-- power conversion of any schema; NULL where a bucket has no such row.
CREATE FUNCTION internal.tokenomics(p_schema text, p_interval interval, p_from timestamptz, p_to timestamptz)
RETURNS TABLE (bucket timestamptz, total_supply numeric, excluded_supply numeric, locked_tokens numeric,
	locked_fees numeric, burned numeric, power_conversion numeric)
LANGUAGE sql STABLE
AS $$
	SELECT internal.time_bucket(p_interval, c.bucket),
		max(c.value) FILTER (WHERE c.schema = p_schema AND c.name = 'manifest_tokenomics_total_supply'),
		max(c.value) FILTER (WHERE c.schema = p_schema AND c.name = 'manifest_tokenomics_excluded_supply'),
		max(c.value) FILTER (WHERE c.schema = p_schema AND c.name = 'locked_tokens'),
		max(c.value) FILTER (WHERE c.schema = p_schema AND c.name = 'locked_fees'),
		max(c.value) FILTER (WHERE c.schema = p_schema AND c.name = 'total_mfx_burned'),
		max(c.value) FILTER (WHERE c.name = 'talib_mfx_power_conversion')
	FROM internal.cagg_calculated_metric c
	WHERE c.bucket >= p_from AND c.bucket < p_to
		AND (c.schema = p_schema OR c.name = 'talib_mfx_power_conversion')
	GROUP BY 1
$$;

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

CREATE FUNCTION api.get_agg_fdv(p_schema text, p_interval interval, p_from timestamptz, p_to timestamptz)
RETURNS TABLE ("timestamp" timestamptz, value text)
LANGUAGE sql STABLE STRICT SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
	SELECT k.bucket, (k.total_supply * coalesce(k.power_conversion, 0))::text
	FROM internal.tokenomics(p_schema, p_interval, p_from, p_to) k
	WHERE k.total_supply IS NOT NULL
	ORDER BY k.bucket
$$;

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

CREATE FUNCTION api.get_latest_circulating_supply(p_schema text)
RETURNS TABLE ("timestamp" timestamptz, value text)
LANGUAGE sql STABLE STRICT SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
	SELECT a."timestamp", a.value
	FROM api.get_agg_circulating_supply(p_schema, interval '1 minute', now() - interval '1 day', now()) a
	ORDER BY a."timestamp" DESC
	LIMIT 1
$$;

CREATE FUNCTION api.get_latest_burned_supply(p_schema text)
RETURNS TABLE ("timestamp" timestamptz, value text)
LANGUAGE sql STABLE STRICT SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
	SELECT a."timestamp", a.value
	FROM api.get_agg_burned_supply(p_schema, interval '1 minute', now() - interval '1 day', now()) a
	ORDER BY a."timestamp" DESC
	LIMIT 1
$$;

CREATE FUNCTION api.get_latest_fdv(p_schema text)
RETURNS TABLE ("timestamp" timestamptz, value text)
LANGUAGE sql STABLE STRICT SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
	SELECT a."timestamp", a.value
	FROM api.get_agg_fdv(p_schema, interval '1 minute', now() - interval '1 day', now()) a
	ORDER BY a."timestamp" DESC
	LIMIT 1
$$;

CREATE FUNCTION api.get_latest_market_cap(p_schema text)
RETURNS TABLE ("timestamp" timestamptz, value text)
LANGUAGE sql STABLE STRICT SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
	SELECT a."timestamp", a.value
	FROM api.get_agg_market_cap(p_schema, interval '1 minute', now() - interval '1 day', now()) a
	ORDER BY a."timestamp" DESC
	LIMIT 1
$$;

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

CREATE FUNCTION api.get_latest_mainnet_circulating_supply_value()
RETURNS numeric
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
	SELECT c.value::numeric FROM api.get_latest_circulating_supply('mainnet') c
$$;

CREATE FUNCTION api.get_latest_mainnet_total_supply_value()
RETURNS numeric
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
	SELECT max(internal.to_numeric_or_null(t.supply)) FROM internal.prometheus_remote_write_tag t
$$;

CREATE FUNCTION api.get_all_latest_mainnet_metrics()
RETURNS TABLE ("timestamp" timestamptz, table_name text, value text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
	SELECT DISTINCT ON (m.name) m.bucket, m.name, m.value::text
	FROM internal.prometheus_mainnet_1m m
	ORDER BY m.name, m.bucket DESC
$$;

CREATE FUNCTION api.get_all_latest_testnet_metrics()
RETURNS TABLE ("timestamp" timestamptz, table_name text, value text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
	SELECT DISTINCT ON (m.name) m.bucket, m.name, m.value::text
	FROM internal.prometheus_testnet_1m m
	ORDER BY m.name, m.bucket DESC
$$;

CREATE FUNCTION api.get_all_latest_common_metrics()
RETURNS TABLE ("timestamp" timestamptz, table_name text, value text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
	SELECT DISTINCT ON (m.name) m.bucket, m.name, m.value::text
	FROM internal.prometheus_common_1m m
	ORDER BY m.name, m.bucket DESC
$$;

CREATE FUNCTION api.get_all_latest_cumsum_metrics()
RETURNS TABLE ("timestamp" timestamptz, table_name text, value text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
	SELECT max(c.bucket), c.name, sum(c.sum_value)::text
	FROM cumsum.all_metrics_minute c
	GROUP BY c.name
	ORDER BY c.name
$$;

CREATE FUNCTION api.get_latest_geo_coordinates()
RETURNS TABLE (latitude numeric, longitude numeric, country_name text, city text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
	SELECT g.latitude, g.longitude, g.country_name, g.city
	FROM geo.latest_coords g
	WHERE g.bucket = (SELECT max(l.bucket) FROM geo.latest_coords l)
	ORDER BY g.instance
$$;

CREATE FUNCTION api.get_excluded_addresses()
RETURNS TABLE (id integer, value text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
	SELECT e.id, e.value FROM internal.excluded_addresses e ORDER BY e.id
$$;

CREATE FUNCTION api.add_excluded_address(p_value text)
RETURNS void
LANGUAGE sql VOLATILE STRICT SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
	INSERT INTO internal.excluded_addresses (value) VALUES (p_value)
$$;

CREATE FUNCTION api.rm_excluded_address(p_value text)
RETURNS void
LANGUAGE sql VOLATILE STRICT SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
	DELETE FROM internal.excluded_addresses e WHERE e.value = p_value
$$;
