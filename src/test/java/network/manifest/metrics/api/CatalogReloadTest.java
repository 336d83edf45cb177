package network.manifest.metrics.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.SQLException;
import java.time.Duration;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Functions added to the schema become endpoints without Java changes or a restart. */
class CatalogReloadTest extends ApiHttpTestBase {

	@Autowired
	DataSource dataSource;

	@Test
	void functionAddedByAMigrationAppearsAfterItsNotify() {
		assertThat(http.get("/rpc/t_added_by_migration?p_name=x").status()).isEqualTo(404);
		long generation = catalogs.current().generation();
		// A migration like the project's own, ending with PostgREST's reload notification.
		Flyway.configure()
			.dataSource(dataSource)
			.locations("classpath:db/test-migration")
			.table("api_test_schema_history")
			.baselineOnMigrate(true)
			.baselineVersion("0")
			.load()
			.migrate();
		await().atMost(Duration.ofSeconds(20)).until(() -> catalogs.current().generation() > generation);
		Http.Response r = http.get("/rpc/t_added_by_migration?p_name=x");
		assertThat(r.status()).isEqualTo(200);
		assertThat(r.json()).isEqualTo(ApiFixtures.json("[{\"greeting\":\"hello x\"}]"));
		assertThat(http.get("/").json().at("/paths/~1rpc~1t_added_by_migration/get/parameters/0/name").asText())
			.isEqualTo("p_name");
	}

	@Test
	void reloadOnDemandPicksUpChanges() throws SQLException {
		jdbc.execute("create or replace function api.t_on_demand() returns int language sql immutable as 'select 42'");
		jdbc.execute("grant execute on function api.t_on_demand() to web_anon");
		try {
			assertThat(catalogs.current().overloads("t_on_demand")).isEmpty();
			catalogs.reload();
			assertThat(http.get("/rpc/t_on_demand").body()).isEqualTo("42");
			jdbc.execute("drop function api.t_on_demand()");
			catalogs.reload();
			assertThat(http.get("/rpc/t_on_demand").status()).isEqualTo(404);
		}
		finally {
			jdbc.execute("drop function if exists api.t_on_demand()");
		}
	}

}
