package network.manifest.metrics.storage;

import static network.manifest.metrics.storage.Jdbc.execute;
import static network.manifest.metrics.storage.Jdbc.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.util.PSQLException;

/** Roles and grants as SPEC section 2, enforced by PostgreSQL itself. */
class PrivilegesTest {

	static MigratedDatabase db;

	static Connection c;

	@BeforeAll
	static void migrate() throws SQLException {
		db = MigratedDatabase.create();
		c = db.connect();
	}

	@AfterAll
	static void close() throws SQLException {
		c.close();
	}

	@AfterEach
	void resetRole() throws SQLException {
		execute(c, "RESET ROLE");
	}

	@ParameterizedTest
	@ValueSource(strings = { "internal.prometheus_remote_write", "internal.prometheus_remote_write_tag",
			"internal.excluded_addresses", "internal.cagg_calculated_metric", "internal.prometheus_mainnet_1m",
			"cumsum.prometheus_remote_write", "cumsum.all_metrics_minute", "cumsum.metric_totals", "geo.latest_coords",
			"staging_internal.prometheus_remote_write" })
	void webAnonCannotReadInternalRelations(String relation) throws SQLException {
		execute(c, "SET ROLE web_anon");
		assertThatThrownBy(() -> rows(c, "SELECT * FROM " + relation)).isInstanceOfSatisfying(PSQLException.class,
				e -> assertThat(e.getSQLState()).isEqualTo("42501"));
	}

	@Test
	void webAnonCannotWriteIntoStaging() throws SQLException {
		execute(c, "SET ROLE web_anon");
		assertThatThrownBy(() -> execute(c, "INSERT INTO staging_cumsum.prometheus_remote_write VALUES "
				+ "(now(), 1, 'x', 'cumsum', 1)"))
			.isInstanceOfSatisfying(PSQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("42501"));
	}

	@Test
	void webAnonCallsReadFunctionsButNotWriterFunctions() throws SQLException {
		execute(c, "SET ROLE web_anon");
		assertThat(rows(c, "SELECT * FROM api.get_agg_metric('none', 'common', '1 minute', now() - interval '1 day', now())"))
			.isEmpty();
		assertThat(rows(c, "SELECT count(*) >= 0 FROM api.get_excluded_addresses()")).containsExactly("t");
		assertThatThrownBy(() -> execute(c, "SELECT api.add_excluded_address('anon')"))
			.isInstanceOfSatisfying(PSQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("42501"));
		assertThatThrownBy(() -> execute(c, "SELECT api.rm_excluded_address('anon')"))
			.isInstanceOfSatisfying(PSQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("42501"));
		assertThatThrownBy(() -> execute(c, "SELECT internal.rebuild_rollups('2024-01-01', '2024-01-02')"))
			.isInstanceOfSatisfying(PSQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("42501"));
	}

	@Test
	void writerChangesTheExcludedAddressesButReadsNoData() throws SQLException {
		execute(c, "SET ROLE writer");
		execute(c, "SELECT api.add_excluded_address('by-writer')");
		assertThat(rows(c, "SELECT value FROM api.get_excluded_addresses() WHERE value = 'by-writer'"))
			.containsExactly("by-writer");
		execute(c, "SELECT api.rm_excluded_address('by-writer')");
		assertThat(rows(c, "SELECT value FROM internal.excluded_addresses WHERE value = 'by-writer'")).isEmpty();
		assertThatThrownBy(() -> rows(c, "SELECT * FROM internal.prometheus_remote_write"))
			.isInstanceOfSatisfying(PSQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("42501"));
		assertThatThrownBy(() -> execute(c, "SELECT internal.rebuild_rollups('2024-01-01', '2024-01-02')"))
			.isInstanceOfSatisfying(PSQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("42501"));
	}

	@Test
	void authenticatorMaySwitchToBothRolesOnly() throws SQLException {
		assertThat(rows(c, """
				SELECT r.rolname, pg_has_role('authenticator', r.oid, 'MEMBER') FROM pg_roles r
				WHERE r.rolname IN ('web_anon', 'writer', current_user) ORDER BY r.rolname = current_user, 1"""))
			.containsExactly("web_anon|t", "writer|t", db.database.user() + "|f");
		assertThat(rows(c, "SELECT has_schema_privilege('web_anon', s, 'USAGE'), has_schema_privilege('writer', s, 'USAGE') "
				+ "FROM unnest(ARRAY['api', 'internal', 'cumsum', 'geo', 'staging_internal', 'staging_cumsum']) s"))
			.containsExactly("t|t", "f|t", "f|f", "f|f", "f|f", "f|f");
		assertThat(rows(c, "SELECT privilege_type FROM information_schema.role_table_grants WHERE grantee = 'writer' "
				+ "AND table_schema = 'internal' AND table_name = 'excluded_addresses' ORDER BY 1"))
			.containsExactly("DELETE", "INSERT", "SELECT");
		assertThat(rows(c, "SELECT privilege_type FROM information_schema.role_table_grants WHERE grantee = 'web_anon'"))
			.containsExactly("SELECT");
	}

	@Test
	void apiFunctionsAreSecurityDefinerWithAFixedSearchPath() throws SQLException {
		List<String> functions = rows(c, """
				SELECT p.proname, p.prosecdef, p.provolatile, p.proisstrict OR p.pronargs = 0, p.proconfig::text,
					has_function_privilege('web_anon', p.oid, 'EXECUTE'), has_function_privilege('writer', p.oid, 'EXECUTE'),
					has_function_privilege('public', p.oid, 'EXECUTE')
				FROM pg_proc p WHERE p.pronamespace = 'api'::regnamespace ORDER BY 1""");
		assertThat(functions).hasSize(21);
		for (String f : functions) {
			String name = f.substring(0, f.indexOf('|'));
			boolean writerOnly = name.equals("add_excluded_address") || name.equals("rm_excluded_address");
			assertThat(f).as(name)
				.isEqualTo(name + "|t|" + (writerOnly ? "v" : "s") + "|t|{\"search_path=pg_catalog, pg_temp\"}|"
						+ (writerOnly ? "f" : "t") + "|t|f");
		}
	}

}
