package network.manifest.metrics.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

import network.manifest.metrics.support.GatewayTest;

/** gateway.api.statement-timeout cuts slow calls with PostgreSQL's own error. */
@GatewayTest
@TestPropertySource(properties = { ApiFixtures.SECRET_PROPERTY, ApiFixtures.POOL_PROPERTY,
		"gateway.api.statement-timeout=200ms" })
@DirtiesContext // a context of its own: closed afterwards so that its connections go back to the server
class RpcStatementTimeoutTest {

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	ApiCatalogService catalogs;

	@LocalServerPort
	int port;

	@Test
	void slowCallIsCancelled() throws SQLException {
		ApiFixtures.installAndReload(jdbc, catalogs);
		Http http = new Http(port);
		Http.Response r = http.get("/rpc/t_sleep?p_seconds=30");
		assertThat(r.status()).isEqualTo(500);
		assertThat(r.json())
			.isEqualTo(ApiFixtures.error("57014", null, null, "canceling statement due to statement timeout"));
		// the pool's connection is fine afterwards and the timeout was transaction-local
		assertThat(http.get("/rpc/t_sleep?p_seconds=0").status()).isEqualTo(204);
		assertThat(jdbc.queryForObject("show statement_timeout", String.class)).isEqualTo("0");
	}

}
