-- One-minute rollups, maintained in the same transaction as the raw rows (see V4 for the flush and
-- internal.rebuild_rollups for repairs). The old continuous-aggregate names survive as views or tables.

-- Per minute, metric and schema: everything the old aggregates needed, kept mergeable so that each new
-- raw row can be folded in once: maxima of the numeric tag columns and of the value, and the last value
-- by (time, tag_id) — tag_id breaks ties between series sampled at the same instant.
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
	PRIMARY KEY (name, schema, bucket)
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

-- The rollup tables are hypertables too when TimescaleDB is used (never compressed: they are updated).
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
