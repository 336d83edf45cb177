package network.manifest.metrics.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.Test;

import network.manifest.metrics.support.TestDatabase;

/** The migrations build SPEC section 2 from nothing, and a restart changes nothing. */
class MigrationTest {

	@Test
	void migratesFromEmptyAndIsIdempotentOnRestart() throws Exception {
		TestDatabase.Database db = TestDatabase.create();
		StorageInfo storage = MigratedDatabase.detect(db);

		MigrateResult first = MigratedDatabase.migrate(db, storage);
		assertThat(first.success).isTrue();
		// every script shipped runs once (afterMigrate callbacks are not migrations)
		assertThat(first.migrationsExecuted).isEqualTo(
				(int) MigratedDatabase.migrationFiles().stream().filter(f -> !f.startsWith("afterMigrate")).count());

		String before = schemaFingerprint(db);
		StorageInfo again = MigratedDatabase.detect(db);
		assertThat(again.mode()).isEqualTo(storage.mode());
		MigrateResult second = MigratedDatabase.migrate(db, again);
		assertThat(second.success).isTrue();
		assertThat(second.migrationsExecuted).isZero();
		assertThat(schemaFingerprint(db)).isEqualTo(before);
	}

	@Test
	void createsTheContractTablesWithTheirColumns() throws Exception {
		MigratedDatabase db = MigratedDatabase.create();
		try (Connection c = db.connect()) {
			for (String raw : List.of("internal.prometheus_remote_write", "cumsum.prometheus_remote_write",
					"staging_internal.prometheus_remote_write", "staging_cumsum.prometheus_remote_write")) {
				assertThat(columns(c, raw)).as(raw)
					.containsExactly("time timestamp with time zone NOT NULL", "tag_id bigint NOT NULL",
							"name text NOT NULL", "schema text NOT NULL", "value numeric NOT NULL");
			}
			for (String tag : List.of("internal.prometheus_remote_write_tag", "staging_internal.prometheus_remote_write_tag",
					"staging_cumsum.prometheus_remote_write_tag")) {
				assertThat(columns(c, tag)).as(tag)
					.containsExactly("tag_id bigint NOT NULL", "host text", "instance text", "country_name text",
							"city text", "supply text", "excluded_supply text", "amount text");
			}
			assertThat(columns(c, "internal.excluded_addresses")).containsExactly("id integer NOT NULL",
					"value text NOT NULL");
			assertThat(columns(c, "cumsum.all_metrics_minute")).containsExactly(
					"bucket timestamp with time zone NOT NULL", "name text NOT NULL", "schema text NOT NULL",
					"sum_value numeric NOT NULL");
			assertThat(columns(c, "internal.cagg_calculated_metric")).containsExactly("bucket timestamp with time zone",
					"name text", "schema text", "value numeric");
			for (String tier : List.of("mainnet", "testnet", "common")) {
				assertThat(columns(c, "internal.prometheus_" + tier + "_1m")).containsExactly(
						"bucket timestamp with time zone", "name text", "value numeric");
			}
			assertThat(columns(c, "geo.latest_coords")).containsExactly("bucket timestamp with time zone",
					"instance text", "latitude numeric", "longitude numeric", "country_name text", "city text");

			// Unique on (time, tag_id, name, schema) in both raw tables; staging tables are unlogged.
			assertThat(list(c, """
					SELECT conrelid::regclass || ' ' || pg_get_constraintdef(oid) FROM pg_constraint
					WHERE contype = 'u' AND conrelid IN ('internal.prometheus_remote_write'::regclass,
						'cumsum.prometheus_remote_write'::regclass) ORDER BY 1""")).containsExactly(
					"cumsum.prometheus_remote_write UNIQUE (\"time\", tag_id, name, schema)",
					"internal.prometheus_remote_write UNIQUE (\"time\", tag_id, name, schema)");
			assertThat(list(c, """
					SELECT c.oid::regclass::text FROM pg_class c
					WHERE c.relnamespace IN ('staging_internal'::regnamespace, 'staging_cumsum'::regnamespace)
						AND c.relkind = 'r' AND c.relpersistence = 'u' ORDER BY 1""")).hasSize(4);
		}
	}

	@Test
	void inTimescaleDbModeTheRawTablesAndMinuteRollupsAreHypertables() throws Exception {
		MigratedDatabase db = MigratedDatabase.create();
		assumeTrue(db.storage.mode() == StorageMode.TIMESCALEDB, "storage mode is " + db.storage.mode());
		try (Connection c = db.connect()) {
			assertThat(list(c, """
					SELECT hypertable_schema || '.' || hypertable_name FROM timescaledb_information.hypertables
					ORDER BY 1""")).containsExactly("cumsum.all_metrics_minute", "cumsum.prometheus_remote_write",
					"geo.coords_rollup_1m", "internal.metric_rollup_1m", "internal.prometheus_remote_write");
		}
	}

	@Test
	void withLicensedTimescaleDbTheRawTablesAreCompressed() throws Exception {
		MigratedDatabase db = MigratedDatabase.create();
		assumeTrue(db.storage.compression(), "TimescaleDB here is " + (db.storage.timescaledbVersion() == null
				? "absent" : "the Apache edition, which cannot compress"));
		try (Connection c = db.connect()) {
			assertThat(list(c, """
					SELECT hypertable_schema || '.' || hypertable_name FROM timescaledb_information.hypertables
					WHERE compression_enabled ORDER BY 1""")).containsExactly("cumsum.prometheus_remote_write",
					"internal.prometheus_remote_write");
			assertThat(list(c, """
					SELECT hypertable_schema || '.' || hypertable_name FROM timescaledb_information.jobs
					WHERE proc_name = 'policy_compression' ORDER BY 1""")).containsExactly(
					"cumsum.prometheus_remote_write", "internal.prometheus_remote_write");
		}
	}

	@Test
	void withTimescaleDbThatCannotCompressNoTableIsCompressed() throws Exception {
		MigratedDatabase db = MigratedDatabase.create();
		assumeTrue(db.storage.mode() == StorageMode.TIMESCALEDB && !db.storage.compression(),
				"storage mode " + db.storage.mode() + ", compression " + db.storage.compression());
		try (Connection c = db.connect()) {
			assertThat(list(c, """
					SELECT hypertable_name FROM timescaledb_information.hypertables WHERE compression_enabled"""))
				.isEmpty();
		}
	}

	@Test
	void inPostgresqlModeNoTableIsAHypertable() throws Exception {
		MigratedDatabase db = MigratedDatabase.create();
		assumeTrue(db.storage.mode() == StorageMode.POSTGRESQL, "storage mode is " + db.storage.mode());
		try (Connection c = db.connect()) {
			assertThat(db.storage.timescaledbVersion()).isNull();
			assertThat(list(c, "SELECT extname FROM pg_extension WHERE extname = 'timescaledb'")).isEmpty();
			assertThat(list(c, """
					SELECT inhparent::regclass::text FROM pg_inherits
					WHERE inhparent IN ('internal.prometheus_remote_write'::regclass,
						'cumsum.prometheus_remote_write'::regclass)""")).isEmpty();
		}
	}

	@Test
	void concurrentMigrationsOfTwoDatabasesBothSucceed() throws Exception {
		// Roles are cluster-wide: two databases migrated at once both create and grant them.
		ExecutorService pool = Executors.newFixedThreadPool(2);
		try {
			List<Future<MigratedDatabase>> runs = new ArrayList<>();
			for (int i = 0; i < 2; i++) {
				Callable<MigratedDatabase> run = MigratedDatabase::create;
				runs.add(pool.submit(run));
			}
			for (Future<MigratedDatabase> run : runs) {
				try (Connection c = run.get(120, TimeUnit.SECONDS).connect()) {
					assertThat(list(c, """
							SELECT r.rolname || ' ' || r.rolcanlogin || ' ' || r.rolinherit FROM pg_roles r
							WHERE r.rolname IN ('web_anon', 'writer', 'authenticator') ORDER BY 1""")).containsExactly(
							"authenticator false false", "web_anon false true", "writer false true");
					assertThat(list(c, """
							SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
							JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = 'authenticator' ORDER BY 1"""))
						.containsExactly("web_anon", "writer");
				}
			}
		}
		finally {
			pool.shutdownNow();
		}
	}

	private static List<String> columns(Connection c, String relation) throws SQLException {
		return list(c, "SELECT a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || "
				+ "CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END FROM pg_attribute a "
				+ "WHERE a.attrelid = '" + relation + "'::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum");
	}

	/** Every object definition of the project's schemas, to compare before and after a restart. */
	private static String schemaFingerprint(TestDatabase.Database db) throws SQLException {
		try (Connection c = db.connect()) {
			return String.join("\n", list(c, """
					SELECT c.oid::regclass || ' ' || c.relkind::text FROM pg_class c
					WHERE c.relnamespace::regnamespace::text IN ('api','internal','cumsum','geo','staging_internal','staging_cumsum')
					UNION ALL
					SELECT p.oid::regprocedure || ' ' || md5(p.prosrc) || ' ' || coalesce(p.proacl::text, '') FROM pg_proc p
					WHERE p.pronamespace::regnamespace::text IN ('api','internal')
					ORDER BY 1""")) + "\n" + String.join(",", list(c, "SELECT count(*) FROM flyway_schema_history"));
		}
	}

	static List<String> list(Connection c, String sql) throws SQLException {
		List<String> rows = new ArrayList<>();
		try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
			while (rs.next()) {
				rows.add(rs.getString(1));
			}
		}
		return rows;
	}

}
