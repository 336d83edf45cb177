-- Rollups, maintained in the transaction that stores the raw rows (R__2_flush.sql) and repaired by
-- internal.rebuild_rollups (R__3_rebuild.sql). The old continuous-aggregate names survive as views or tables.

-- Per minute, metric and schema: everything the old aggregates needed, kept mergeable so that each new
-- raw row can be folded in once: maxima of the numeric tag columns and of the value, and the last value
-- by (time, tag_id) — tag_id breaks ties between series sampled at the same instant. The primary key
-- serves the reads by metric and the per-schema scan for the newest minute of each metric.
CREATE TABLE internal.metric_rollup_1m (
	bucket timestamptz NOT NULL,
	name text NOT NULL,
	schema text NOT NULL,
	max_supply numeric,
	max_excluded_supply numeric,
	max_amount numeric,
	max_value numeric NOT NULL,
	last_time timestamptz NOT NULL,
	last_tag_id bigint NOT NULL,
	last_value numeric NOT NULL,
	CONSTRAINT metric_rollup_1m_pkey PRIMARY KEY (schema, name, bucket)
);

CREATE TABLE cumsum.all_metrics_minute (
	bucket timestamptz NOT NULL,
	name text NOT NULL,
	schema text NOT NULL,
	sum_value numeric NOT NULL,
	PRIMARY KEY (name, schema, bucket)
);

-- Per minute and instance: the last latitude, longitude and metadata sample (each with its time and
-- tag_id, so a later or tie-winning sample replaces it).
CREATE TABLE geo.coords_rollup_1m (
	bucket timestamptz NOT NULL,
	instance text NOT NULL,
	latitude_time timestamptz,
	latitude_tag_id bigint,
	latitude numeric,
	longitude_time timestamptz,
	longitude_tag_id bigint,
	longitude numeric,
	metadata_time timestamptz,
	metadata_tag_id bigint,
	country_name text,
	city text,
	PRIMARY KEY (bucket, instance)
);

CREATE VIEW internal.cagg_calculated_metric AS
SELECT bucket, name, schema, coalesce(max_supply, max_excluded_supply, max_amount, last_value) AS value
FROM internal.metric_rollup_1m
WHERE name IN ('manifest_tokenomics_total_supply', 'manifest_tokenomics_excluded_supply', 'locked_tokens',
	'locked_fees', 'total_mfx_burned', 'talib_mfx_power_conversion');

CREATE VIEW internal.prometheus_mainnet_1m AS
SELECT bucket, name, coalesce(max_supply, max_excluded_supply, max_amount, last_value) AS value
FROM internal.metric_rollup_1m
WHERE schema = 'mainnet';

CREATE VIEW internal.prometheus_testnet_1m AS
SELECT bucket, name, coalesce(max_supply, max_excluded_supply, max_amount, last_value) AS value
FROM internal.metric_rollup_1m
WHERE schema = 'testnet';

CREATE VIEW internal.prometheus_common_1m AS
SELECT bucket, name, coalesce(max_supply, max_excluded_supply, max_amount, last_value) AS value
FROM internal.metric_rollup_1m
WHERE schema = 'common';

CREATE VIEW geo.latest_coords AS
SELECT bucket, instance, latitude, longitude, country_name, city
FROM geo.coords_rollup_1m;

-- The minute rollups are hypertables too when TimescaleDB is used (never compressed: they are updated).
DO $$
DECLARE
	ext_schema name;
	rollup regclass;
BEGIN
	IF NOT ${timescaledb} THEN
		RETURN;
	END IF;
	SELECT n.nspname INTO STRICT ext_schema
	FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
	WHERE e.extname = 'timescaledb';
	FOREACH rollup IN ARRAY ARRAY['internal.metric_rollup_1m'::regclass, 'cumsum.all_metrics_minute'::regclass,
		'geo.coords_rollup_1m'::regclass]
	LOOP
		EXECUTE pg_catalog.format('SELECT %I.create_hypertable(%L::regclass, %L::name, if_not_exists => true)',
			ext_schema, rollup, 'bucket');
	END LOOP;
END
$$;

-- Per metric: the sum of every value ever written and the newest minute, so that the all-time sum and the
-- sum before a range need not read every minute ever written.
CREATE TABLE cumsum.metric_totals (
	name text NOT NULL,
	schema text NOT NULL,
	sum_value numeric NOT NULL,
	last_bucket timestamptz NOT NULL,
	PRIMARY KEY (name, schema)
);

-- Hour and day rollups derived from the minute rollups, so that long ranges (a year at 1 day, a month at
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

-- One hour of one metric and schema whose tiers are recomputed.
CREATE TYPE internal.rollup_hour AS (name text, schema text, bucket timestamptz);
