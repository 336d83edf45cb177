package network.manifest.metrics.storage;

import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import network.manifest.metrics.support.GatewayTest;

/** The application decides the storage mode at start-up, exposes it as a bean and migrates accordingly. */
@GatewayTest
class StorageModeBeanTest {

	@Autowired
	StorageMode mode;

	@Autowired
	StorageInfo info;

	@Autowired
	JdbcTemplate jdbc;

	@Test
	void theModeBeanIsTheDetectedModeAndTheDatabaseIsMigrated() {
		assertThat(mode).isEqualTo(info.mode());
		assertThat(jdbc.queryForObject("SELECT count(*) FROM flyway_schema_history WHERE NOT success", Integer.class))
			.isZero();
		assertThat(jdbc.queryForObject("SELECT version FROM flyway_schema_history"
				+ " WHERE version IS NOT NULL ORDER BY installed_rank DESC LIMIT 1", String.class))
			.isEqualTo(MigratedDatabase.newestVersion());
	}

	@Test
	void inTimescaleDbModeTheRawTableIsAHypertable() {
		assumeTrue(mode == StorageMode.TIMESCALEDB, "storage mode is " + mode);
		assertThat(jdbc.queryForObject("SELECT count(*) FROM timescaledb_information.hypertables "
				+ "WHERE hypertable_schema = 'internal' AND hypertable_name = 'prometheus_remote_write'", Integer.class))
			.isEqualTo(1);
	}

	@Test
	void inPostgresqlModeNoTableIsPartitionedByTimescaleDb() {
		assumeTrue(mode == StorageMode.POSTGRESQL, "storage mode is " + mode);
		assertThat(jdbc.queryForObject("SELECT count(*) FROM pg_extension WHERE extname = 'timescaledb'", Integer.class))
			.isZero();
		assertThat(jdbc.queryForObject("SELECT count(*) FROM pg_inherits"
				+ " WHERE inhparent = 'internal.prometheus_remote_write'::regclass", Integer.class)).isZero();
	}

}
