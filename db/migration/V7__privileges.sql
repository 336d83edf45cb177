-- Who may do what (see README). web_anon reads through the api functions only; writer may also change
-- the excluded-address list. Internal functions are for the owner (triggers, API functions, repairs).

GRANT USAGE ON SCHEMA api TO web_anon, writer;
GRANT USAGE ON SCHEMA internal TO writer;

GRANT SELECT, INSERT, DELETE ON internal.excluded_addresses TO writer;
GRANT USAGE ON SEQUENCE internal.excluded_addresses_id_seq TO writer;
GRANT SELECT ON internal.excluded_addresses TO web_anon;

REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA internal FROM PUBLIC;
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA api FROM PUBLIC;
ALTER DEFAULT PRIVILEGES IN SCHEMA api REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
ALTER DEFAULT PRIVILEGES IN SCHEMA internal REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;

-- Every read function of the api schema (all but the two writer functions) for both API roles.
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
