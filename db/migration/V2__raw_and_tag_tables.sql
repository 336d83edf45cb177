-- Raw samples, their tags and the excluded-address list (names and columns are the API contract).

CREATE TABLE internal.prometheus_remote_write (
	time timestamptz NOT NULL,
	tag_id bigint NOT NULL,
	name text NOT NULL,
	schema text NOT NULL,
	value numeric NOT NULL,
	CONSTRAINT prometheus_remote_write_key UNIQUE (time, tag_id, name, schema)
);
-- The API reads one metric of one schema over a time range.
CREATE INDEX prometheus_remote_write_name_schema_time ON internal.prometheus_remote_write (name, schema, time);

CREATE TABLE cumsum.prometheus_remote_write (
	time timestamptz NOT NULL,
	tag_id bigint NOT NULL,
	name text NOT NULL,
	schema text NOT NULL,
	value numeric NOT NULL,
	CONSTRAINT prometheus_remote_write_key UNIQUE (time, tag_id, name, schema)
);

CREATE TABLE internal.prometheus_remote_write_tag (
	tag_id bigint PRIMARY KEY,
	host text,
	instance text,
	country_name text,
	city text,
	supply text,
	excluded_supply text,
	amount text
);

CREATE TABLE internal.excluded_addresses (
	id serial PRIMARY KEY,
	value text NOT NULL UNIQUE
);
-- writer changes the list through api.add_excluded_address and api.rm_excluded_address.
GRANT SELECT, INSERT, DELETE ON internal.excluded_addresses TO writer;
GRANT USAGE ON SEQUENCE internal.excluded_addresses_id_seq TO writer;
GRANT SELECT ON internal.excluded_addresses TO web_anon;

-- With TimescaleDB the raw tables are hypertables; where the licence allows compression, chunks older
-- than 7 days are compressed. ${timescaledb} and ${timescaledb_compression} are decided at start-up.
DO $$
DECLARE
	ext_schema name;
	raw regclass;
BEGIN
	IF NOT ${timescaledb} THEN
		RETURN;
	END IF;
	SELECT n.nspname INTO STRICT ext_schema
	FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
	WHERE e.extname = 'timescaledb';
	FOREACH raw IN ARRAY ARRAY['internal.prometheus_remote_write'::regclass, 'cumsum.prometheus_remote_write'::regclass]
	LOOP
		EXECUTE pg_catalog.format('SELECT %I.create_hypertable(%L::regclass, %L::name, if_not_exists => true)',
			ext_schema, raw, 'time');
		IF ${timescaledb_compression} THEN
			EXECUTE pg_catalog.format('ALTER TABLE %s SET (timescaledb.compress, '
				'timescaledb.compress_segmentby = %L, timescaledb.compress_orderby = %L)',
				raw, 'name, schema', 'time DESC, tag_id');
			EXECUTE pg_catalog.format('SELECT %I.add_compression_policy(%L::regclass, INTERVAL %L, if_not_exists => true)',
				ext_schema, raw, '7 days');
		END IF;
	END LOOP;
END
$$;
