package network.manifest.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import network.manifest.metrics.support.GatewayTest;

@GatewayTest
class ApplicationStartsTest {

	@Autowired
	JdbcTemplate jdbc;

	@Test
	void connectsToTheTestDatabase() {
		assertThat(jdbc.queryForObject("select current_database()", String.class)).startsWith("gateway_test_");
	}

}
