-- Schemas and the cluster-wide roles. The schema history starts here: it was restarted at this baseline
-- before any deployment. Functions and triggers are in the repeatable migrations (R__*.sql) beside this
-- file, each with its grants.

CREATE SCHEMA IF NOT EXISTS api;
CREATE SCHEMA IF NOT EXISTS internal;
CREATE SCHEMA IF NOT EXISTS cumsum;
CREATE SCHEMA IF NOT EXISTS geo;
CREATE SCHEMA IF NOT EXISTS staging_internal;
CREATE SCHEMA IF NOT EXISTS staging_cumsum;

-- Roles are shared by every database of the server, and other databases may be migrated at the same
-- moment: create only what is missing and treat "already exists" races as success.
DO $$
DECLARE
	r record;
BEGIN
	FOR r IN SELECT * FROM (VALUES ('web_anon', 'NOLOGIN'), ('writer', 'NOLOGIN'),
			('authenticator', 'NOINHERIT NOLOGIN')) AS v(name, options)
	LOOP
		IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = r.name) THEN
			BEGIN
				EXECUTE pg_catalog.format('CREATE ROLE %I %s', r.name, r.options);
			EXCEPTION WHEN duplicate_object OR unique_violation THEN
				NULL;
			END;
		END IF;
	END LOOP;
END
$$;

-- authenticator may switch to both API roles; so may the migrating (= service) user unless it is a
-- superuser already, because the service applies the caller's role with SET LOCAL ROLE.
DO $$
DECLARE
	g record;
BEGIN
	FOR g IN
		SELECT v.role, v.member FROM (VALUES ('web_anon', 'authenticator'), ('writer', 'authenticator')) AS v(role, member)
		UNION ALL
		SELECT r, current_user::text FROM pg_catalog.unnest(ARRAY['web_anon', 'writer']) AS r
		WHERE NOT (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user)
	LOOP
		IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_auth_members m
				JOIN pg_catalog.pg_roles granted ON granted.oid = m.roleid
				JOIN pg_catalog.pg_roles member ON member.oid = m.member
				WHERE granted.rolname = g.role AND member.rolname = g.member) THEN
			BEGIN
				EXECUTE pg_catalog.format('GRANT %I TO %I', g.role, g.member);
			EXCEPTION WHEN duplicate_object OR unique_violation THEN
				NULL;
			END;
		END IF;
	END LOOP;
END
$$;

-- Who may do what (see README): web_anon reads through the api functions only (R__4_api.sql grants
-- them); writer may also change the excluded-address list (V2). Internal functions are for the owner
-- (triggers, API functions, repairs): functions created here are nobody else's until granted.
GRANT USAGE ON SCHEMA api TO web_anon, writer;
GRANT USAGE ON SCHEMA internal TO writer;
ALTER DEFAULT PRIVILEGES IN SCHEMA api REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
ALTER DEFAULT PRIVILEGES IN SCHEMA internal REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
