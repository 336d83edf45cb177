package network.manifest.metrics.api;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Functions the API tests call, created in the {@code api} schema by the tests themselves (with the
 * roles they need, idempotently: roles are cluster-wide), and signed tokens.
 */
final class ApiFixtures {

	static final String SECRET = "test-secret-that-is-at-least-32-characters-long";

	static final String SECRET_PROPERTY = "gateway.api.jwt-secret=" + SECRET;

	/** The API test contexts stay small: the test server's connections are shared by every context. */
	static final String POOL_PROPERTY = "spring.datasource.hikari.maximum-pool-size=4";

	private static final ObjectMapper JSON = new ObjectMapper();

	private static final List<String> ROLES = List.of("web_anon", "writer");

	private static final List<String> STATEMENTS = List.of("""
			create schema if not exists api""", """
			create table if not exists public.t_probe (value text not null)""", """
			create or replace function api.t_rows(p_from timestamptz, p_step interval, p_count int default 3)
			returns table ("timestamp" timestamptz, value text, n int) language sql stable
			as $$ select p_from + p_step * i, (i * 10)::text, i from generate_series(1, p_count) i $$""", """
			comment on function api.t_rows(timestamptz, interval, int) is 'Test rows\nOne row per step.'""", """
			create or replace function api.t_sum(p_a numeric, p_b numeric) returns numeric
			language sql immutable as 'select p_a + p_b'""", """
			create or replace function api.t_text(p_value text) returns text
			language sql immutable as 'select p_value'""", """
			create or replace function api.t_null() returns text language sql immutable as 'select null::text'""", """
			create or replace function api.t_series(p_n int) returns setof int
			language sql immutable as 'select generate_series(1, p_n)'""", """
			create or replace function api.t_pair(p_a int) returns table (a int, b text)
			language sql immutable as $$ select p_a, 'b' || p_a limit 1 $$""", """
			create or replace function api.t_record(p_a int, out x int, out y text)
			language sql immutable as $$ select p_a, 'y' $$""", """
			create or replace function api.t_record_sum(p_a int, out x int)
			language sql immutable as $$ select p_a + 1 $$""", """
			create or replace function api.t_probe_add(p_value text) returns void language sql volatile
			security definer set search_path = pg_catalog, public
			as 'insert into public.t_probe (value) values (p_value)'""", """
			create or replace function api.t_probe_count(p_value text) returns bigint language sql stable
			security definer set search_path = pg_catalog, public
			as 'select count(*) from public.t_probe where value = p_value'""", """
			create or replace function api.t_writer_only(p_value text) returns text language sql volatile
			as 'select current_user || '':'' || p_value'""", """
			revoke execute on function api.t_writer_only(text) from public""", """
			create or replace function api.t_nobody() returns int language sql stable as 'select 1'""", """
			revoke execute on function api.t_nobody() from public""", """
			create or replace function api.t_context()
			returns table (role text, claims json, method text, path text, read_only text, time_zone text,
			               user_agent text)
			language sql stable as $$ select current_user::text, current_setting('request.jwt.claims', true)::json,
			  current_setting('request.method', true), current_setting('request.path', true),
			  current_setting('transaction_read_only'), current_setting('TimeZone'),
			  current_setting('request.headers', true)::json ->> 'user-agent' $$""", """
			create or replace function api.t_sleep(p_seconds float8) returns void language sql stable
			as 'select pg_sleep(p_seconds)'""", """
			create or replace function api.t_big(p_n int default 500) returns table (i int, label text)
			language sql immutable as $$ select i, 'row number ' || i from generate_series(1, p_n) i $$""", """
			create or replace function api.t_raise(p_code text) returns int language plpgsql immutable
			as $$ begin raise exception 'raised %', p_code using errcode = p_code, detail = 'some detail', hint = 'some hint'; end $$""");

	private static boolean installed;

	private ApiFixtures() {
	}

	/** Creates roles, schema and functions once per test database; idempotent. */
	static synchronized void install(JdbcTemplate jdbc) {
		if (installed) {
			return;
		}
		ensureRoles(jdbc);
		STATEMENTS.forEach(jdbc::execute);
		jdbc.execute("grant usage on schema api to web_anon, writer");
		// The schema's default privileges revoke EXECUTE from PUBLIC: grant like the migrations do.
		jdbc.execute("""
				do $$ declare f regprocedure; begin
				  for f in select p.oid::regprocedure from pg_proc p
				           where p.pronamespace = 'api'::regnamespace and p.proname like 't\\_%'
				             and p.proname not in ('t_writer_only', 't_nobody') loop
				    execute format('grant execute on function %s to web_anon, writer', f);
				  end loop;
				end $$""");
		jdbc.execute("grant execute on function api.t_writer_only(text) to writer");
		installed = true;
	}

	/** The migrations create these roles too; creating them here keeps the tests independent of that. */
	static void ensureRoles(JdbcTemplate jdbc) {
		for (String role : ROLES) {
			jdbc.execute("do $$ begin create role " + role + " nologin; "
					+ "exception when duplicate_object or unique_violation then null; end $$");
		}
	}

	static void installAndReload(JdbcTemplate jdbc, ApiCatalogService catalogs) throws SQLException {
		install(jdbc);
		if (catalogs.current().overloads("t_rows").isEmpty()) {
			catalogs.reload();
		}
	}

	static String token(String role, Instant expires) {
		JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().claim("role", role);
		if (expires != null) {
			claims.expirationTime(Date.from(expires));
		}
		return sign(claims.build(), SECRET);
	}

	static String sign(JWTClaimsSet claims, String secret) {
		try {
			SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
			jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
			return jwt.serialize();
		}
		catch (JOSEException e) {
			throw new IllegalStateException(e);
		}
	}

	static JsonNode json(String text) {
		try {
			return JSON.readTree(text);
		}
		catch (Exception e) {
			throw new AssertionError("not JSON: " + text, e);
		}
	}

	/** PostgREST's error body. */
	static JsonNode error(String code, String details, String hint, String message) {
		var node = JSON.createObjectNode();
		node.put("code", code);
		node.put("details", details);
		node.put("hint", hint);
		node.put("message", message);
		return node;
	}

}
