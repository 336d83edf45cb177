-- Every committed change to the data the api functions read is announced on the channel
-- gateway_data_changed, so each gateway instance drops its cached API answers (gateway.api.cache). The
-- notification is delivered at commit, never for a rolled-back write, and PostgreSQL folds the identical
-- notifications of one transaction into one. Writes straight into the staging tables (psql, another
-- instance) reach the raw and rollup tables through the flush triggers, so they are announced too.

SET LOCAL client_min_messages = warning;

CREATE OR REPLACE FUNCTION internal.notify_data_changed()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	PERFORM pg_notify('gateway_data_changed', '');
	RETURN NULL;
END
$$;

-- Statement-level, so a flush of many rows costs one call per table; every table (not view) of the data
-- schemas, hypertables included.
DO $$
DECLARE
	t regclass;
BEGIN
	FOR t IN
		SELECT c.oid::regclass FROM pg_catalog.pg_class c
		WHERE c.relnamespace IN ('internal'::regnamespace, 'cumsum'::regnamespace, 'geo'::regnamespace)
			AND c.relkind IN ('r', 'p') AND NOT c.relispartition
			AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_inherits i WHERE i.inhrelid = c.oid)
	LOOP
		EXECUTE pg_catalog.format('DROP TRIGGER IF EXISTS notify_data_changed ON %s', t);
		EXECUTE pg_catalog.format('CREATE TRIGGER notify_data_changed AFTER INSERT OR UPDATE OR DELETE ON %s '
			'FOR EACH STATEMENT EXECUTE FUNCTION internal.notify_data_changed()', t);
	END LOOP;
END
$$;
