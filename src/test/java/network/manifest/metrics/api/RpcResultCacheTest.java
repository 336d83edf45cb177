package network.manifest.metrics.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ContextConfiguration;

import io.micrometer.core.instrument.MeterRegistry;
import network.manifest.metrics.support.FreshDatabaseInitializer;
import network.manifest.metrics.support.RemoteWriteProbe;

/**
 * The result cache over HTTP: a STABLE function's answer is kept (a change the cache cannot know of, in a
 * table outside the data schemas, stays invisible) until a write: one through this gateway before its
 * 204, one straight into the staging tables through the database's notification. Functions that read the
 * clock expire on time; VOLATILE ones are never kept. Validators and 304.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "gateway.api.cache.clock-ttl=2s", ApiFixtures.POOL_PROPERTY, "gateway.ingest.pool-size=1" })
// its own database: notifications of other test contexts' writes to a shared one would drop entries
@ContextConfiguration(initializers = FreshDatabaseInitializer.class)
class RpcResultCacheTest {

	private static final String CACHED = "/rpc/t_cached";

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	ApiCatalogService catalogs;

	@Autowired
	MeterRegistry meters;

	@LocalServerPort
	int port;

	Http http;

	@BeforeEach
	void installCacheFixtures() throws Exception {
		http = new Http(port);
		jdbc.execute("create table if not exists public.t_cache_value (v text not null)");
		jdbc.execute("""
				create or replace function api.t_cached() returns text language sql stable
				security definer set search_path = pg_catalog, public as 'select max(v) from public.t_cache_value'""");
		jdbc.execute("""
				create or replace function api.t_uncached() returns text language sql volatile
				security definer set search_path = pg_catalog, public as 'select max(v) from public.t_cache_value'""");
		jdbc.execute("""
				create or replace function api.t_write() returns void language sql volatile
				security definer set search_path = pg_catalog, public as 'select null'""");
		jdbc.execute("""
				create or replace function api.t_reads_request() returns text language sql stable
				as $$ select current_setting('request.method', true) $$""");
		jdbc.execute("create or replace function api.t_clock() returns text language sql stable as 'select now()::text'");
		jdbc.execute("""
				create or replace function api.t_clock_indirect() returns text language sql stable
				as 'select api.t_clock()'""");
		jdbc.execute("grant execute on function api.t_cached(), api.t_uncached(), api.t_write(), api.t_reads_request(),"
				+ " api.t_clock(), api.t_clock_indirect() to web_anon");
		if (catalogs.current().overloads("t_clock_indirect").isEmpty()) {
			catalogs.reload();
		}
		setValue("before");
		// a VOLATILE call through the API drops whatever an earlier test left
		assertThat(http.post("/rpc/t_write", "{}").status()).isEqualTo(204);
	}

	private void setValue(String v) {
		jdbc.update("delete from public.t_cache_value");
		jdbc.update("insert into public.t_cache_value values (?)", v);
	}

	private double hits() {
		return meters.get("cache.gets").tags("cache", "api", "result", "hit").functionCounter().count();
	}

	private double invalidations(String source) {
		return meters.counter("gateway.api.cache.invalidations", "source", source).count();
	}

	@Test
	void theCatalogKnowsWhichFunctionsReadTheClock() {
		ApiCatalog catalog = catalogs.current();
		assertThat(catalog.overloads("t_clock").get(0).readsClock()).isTrue();
		assertThat(catalog.overloads("t_clock_indirect").get(0).readsClock()).as("through api.t_clock").isTrue();
		assertThat(catalog.overloads("t_cached").get(0).readsClock()).isFalse();
		assertThat(catalog.overloads("t_cached").get(0).cacheable()).isTrue();
		assertThat(catalog.overloads("t_uncached").get(0).cacheable()).as("VOLATILE").isFalse();
		assertThat(catalog.overloads("t_reads_request").get(0).cacheable()).as("reads request.*").isFalse();
		// the product's functions: the latest values read now() through internal functions
		assertThat(catalog.overloads("get_latest_fdv").get(0).readsClock()).isTrue();
		assertThat(catalog.overloads("get_agg_metric").get(0).readsClock()).isFalse();
	}

	@Test
	void anAnswerIsKeptUntilAWriteThroughTheGatewayWhichDropsItBeforeIts204() throws Exception {
		double hitsBefore = hits();
		assertThat(http.get(CACHED).body()).isEqualTo("\"before\"");
		setValue("after");
		assertThat(http.get(CACHED).body()).as("kept").isEqualTo("\"before\"");
		assertThat(hits()).isEqualTo(hitsBefore + 1);
		assertThat(http.get("/rpc/t_uncached").body()).as("VOLATILE: never kept").isEqualTo("\"after\"");
		// t_uncached ran under GET (read-only): no reason to drop anything
		assertThat(http.get(CACHED).body()).isEqualTo("\"before\"");
		assertThat(http.get(CACHED, "Cache-Control", "no-cache").body()).as("asked for a fresh answer")
			.isEqualTo("\"after\"");
		setValue("before");
		assertThat(http.get(CACHED).body()).as("the fresh answer was kept").isEqualTo("\"after\"");

		double local = invalidations("local");
		HttpResponse<String> write = HttpClient.newHttpClient()
			.send(RemoteWriteProbe.request(port, "cache_probe"), HttpResponse.BodyHandlers.ofString());
		assertThat(write.statusCode()).isEqualTo(204);
		assertThat(invalidations("local")).isEqualTo(local + 1);
		assertThat(http.get(CACHED).body()).as("right after the 204").isEqualTo("\"before\"");
	}

	@Test
	void aWriteStraightIntoTheStagingTablesReachesTheCacheThroughTheDatabase() {
		assertThat(http.get(CACHED).body()).isEqualTo("\"before\"");
		setValue("after");
		assertThat(http.get(CACHED).body()).as("kept").isEqualTo("\"before\"");
		double database = invalidations("database");

		jdbc.update("insert into staging_internal.prometheus_remote_write (time, tag_id, name, schema, value)"
				+ " values (?, 1, 'cache_psql_probe', 'common', 1)", Timestamp.from(Instant.now()));

		await("the notification of the commit").atMost(Duration.ofSeconds(10))
			.until(() -> invalidations("database") > database);
		assertThat(http.get(CACHED).body()).isEqualTo("\"after\"");
	}

	@Test
	void anAnswerThatReadsTheClockExpiresOnTime() {
		String first = http.get("/rpc/t_clock").body();
		assertThat(http.get("/rpc/t_clock").body()).as("kept within clock-ttl").isEqualTo(first);
		await("expiry after clock-ttl").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
			.until(() -> !http.get("/rpc/t_clock").body().equals(first));
	}

	@Test
	void cacheableAnswersCarryAStrongValidatorAnsweredWith304() {
		Http.Response first = http.get(CACHED);
		String etag = first.header("ETag");
		assertThat(etag).matches("\"[A-Za-z0-9_-]{22}\"");
		assertThat(first.header("Cache-Control")).isEqualTo("no-cache");

		Http.Response revalidated = http.get(CACHED, "If-None-Match", etag);
		assertThat(revalidated.status()).isEqualTo(304);
		assertThat(revalidated.body()).isEmpty();
		assertThat(revalidated.header("ETag")).isEqualTo(etag);
		assertThat(http.get(CACHED, "If-None-Match", "\"other\", " + etag).status()).isEqualTo(304);

		setValue("after");
		assertThat(http.post("/rpc/t_write", "{}").status()).as("a write through the API").isEqualTo(204);
		Http.Response changed = http.get(CACHED, "If-None-Match", etag);
		assertThat(changed.status()).isEqualTo(200);
		assertThat(changed.body()).isEqualTo("\"after\"");
		assertThat(changed.header("ETag")).isNotEqualTo(etag);

		assertThat(http.get("/rpc/t_uncached").header("ETag")).as("VOLATILE").isNull();
		assertThat(http.get("/rpc/t_reads_request").header("ETag")).as("reads request.*").isNull();
	}

}
