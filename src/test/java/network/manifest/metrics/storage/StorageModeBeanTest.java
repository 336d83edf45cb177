package network.manifest.metrics.storage;

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
	void theModeBeanMatchesTheMigratedTables() {
		assertThat(mode).isEqualTo(info.mode());
		Integer hypertables = jdbc.queryForObject("""
				SELECT count(*) FROM pg_extension e
				WHERE e.extname = 'timescaledb' AND to_regclass('timescaledb_information.hypertables') IS NOT NULL""",
				Integer.class);
		if (mode == StorageMode.TIMESCALEDB) {
			assertThat(jdbc.queryForObject("SELECT count(*) FROM timescaledb_information.hypertables "
					+ "WHERE hypertable_schema = 'internal' AND hypertable_name = 'prometheus_remote_write'", Integer.class))
				.isEqualTo(1);
		}
		else {
			assertThat(hypertables == 0 || jdbc.queryForObject("SELECT count(*) FROM timescaledb_information.hypertables",
					Integer.class) == 0).isTrue();
		}
		assertThat(jdbc.queryForObject("SELECT max(version) FROM flyway_schema_history", String.class)).isNotNull();
	}

}
