package network.manifest.metrics.api;

import java.sql.SQLException;

import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.TestPropertySource;

import network.manifest.metrics.support.GatewayTest;

/**
 * The application on a random port with the API test fixtures ({@link ApiFixtures}) installed and the
 * catalog reloaded before each test. Subclasses share one application context.
 */
@GatewayTest
@TestPropertySource(properties = { ApiFixtures.SECRET_PROPERTY, ApiFixtures.POOL_PROPERTY })
abstract class ApiHttpTestBase {

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	ApiCatalogService catalogs;

	@LocalServerPort
	int port;

	Http http;

	@BeforeEach
	void installFixtures() throws SQLException {
		ApiFixtures.installAndReload(jdbc, catalogs);
		http = new Http(port);
	}

}
