package network.manifest.metrics.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import network.manifest.metrics.support.TestDatabase;

/**
 * SPEC section 6: the reference fixtures, as the recording rules turn them into series, sent through
 * remote write for five minutes (plus one earlier minute with a total supply but no power conversion)
 * into a fresh database; the API functions must then give exactly the listed values.
 */
class AcceptanceDatasetTest {

	private static final int MINUTES = 5;

	static ConfigurableApplicationContext app;

	static JdbcTemplate jdbc;

	@BeforeAll
	static void ingestTheDataset() {
		TestDatabase.Database db = TestDatabase.create();
		app = db.startApplication("--spring.datasource.hikari.maximum-pool-size=4",
				"--spring.datasource.hikari.minimum-idle=0");
		jdbc = app.getBean(JdbcTemplate.class);
		RemoteWriteClient client = new RemoteWriteClient(app.getEnvironment().getRequiredProperty("local.server.port",
				Integer.class));
		long now = System.currentTimeMillis();
		for (int k = MINUTES - 1; k >= 0; k--) {
			RemoteWriteRequests request = RemoteWriteRequests.request();
			recordedSeries(request, now - k * 60_000L);
			assertThat(client.writeV1Retrying(request).statusCode()).isEqualTo(204);
		}
		RemoteWriteRequests early = RemoteWriteRequests.request();
		early.series("manifest_tokenomics_total_supply", "denom", "umfx", "instance", "foobar:19999", "manifest_app",
				"validator", "manifest_tier", "testnet", "source", "grpc", "supply", "123427004070058399998")
			.sample(now - MINUTES * 60_000L - 60_000L, 1);
		assertThat(client.writeV1Retrying(early).statusCode()).isEqualTo(204);
	}

	@AfterAll
	static void stop() {
		if (app != null) {
			app.close();
		}
	}

	/** What the recording rules produce from ../fixtures/*.prom at one evaluation (labels as sent). */
	static void recordedSeries(RemoteWriteRequests r, long t) {
		r.series("node_count").sample(t, 3);
		r.series("system_tcp_sent").sample(t, -1 * -1 * 60);
		for (String[] tier : new String[][] { { "testnet", "12000000", "134244018", "123427004070058399998",
				"122999999987062065853", "4710007" },
				{ "mainnet", "12000002", "134244017", "123427004070058399997", "122999999987062065852",
						"135304300855652060000" } }) {
			String name = tier[0];
			r.series("locked_tokens", "amount", tier[1], "denom", "umfx", "instance", "foobar:443", "manifest_chain",
					"manifest-ledger-" + name, "manifest_tier", name, "source", "postgres").sample(t, 1);
			r.series("locked_fees", "amount", tier[2], "denom", "umfx", "dimension", "manifest_tokenomics_fees", "instance",
					"foobar:19999", "manifest_app", "validator", "manifest_chain", "manifest-ledger-" + name, "manifest_tier",
					name, "source", "grpc").sample(t, 1);
			r.series("manifest_tokenomics_total_supply", "denom", "umfx", "dimension", "manifest_tokenomics_total_supply",
					"instance", "foobar:19999", "manifest_app", "validator", "manifest_tier", name, "source", "grpc", "supply",
					tier[3]).sample(t, 1);
			r.series("manifest_tokenomics_excluded_supply", "denom", "umfx", "dimension",
					"manifest_tokenomics_excluded_supply", "excluded_supply", tier[4], "instance", "foobar:19999",
					"manifest_app", "validator", "manifest_tier", name, "source", "grpc").sample(t, 1);
			r.series("total_mfx_burned", "instance", "foobar:443", "manifest_chain", "manifest-ledger-" + name,
					"manifest_tier", name, "source", "postgres").sample(t, Double.parseDouble(tier[5]));
		}
		r.series("talib_mfx_power_conversion", "instance", "foobar:443", "metric_source", "barfoo").sample(t, 0.379);
		r.series("manifest_geo_latitude", "dimension", "manifest_geo_latitude", "family", "manifest_geo", "instance",
				"foobar:19999", "ip", "1.2.3.4").sample(t, 40.804);
		r.series("manifest_geo_longitude", "dimension", "manifest_geo_longitude", "family", "manifest_geo", "instance",
				"foobar:19999", "ip", "1.2.3.4").sample(t, -74.012);
		r.series("manifest_geo_metadata", "city", "North Bergen", "country_code", "US", "country_name", "United States",
				"dimension", "manifest_geo_metadata", "family", "manifest_geo", "instance", "foobar:19999", "ip", "1.2.3.4",
				"region_code", "US-NJ", "region_name", "New Jersey", "zip_code", "07047").sample(t, 1);
	}

	private static List<String> values(String function, Object... args) {
		return jdbc.queryForList("SELECT value FROM api." + function, String.class, args);
	}

	private static List<String> agg(String name, String schema) {
		return values("get_agg_metric(?, ?, '1 minute', now() - interval '1 day', now())", name, schema);
	}

	@Test
	void nodeCountIsThreeEveryMinute() {
		assertThat(agg("node_count", "common")).hasSize(MINUTES).containsOnly("3");
	}

	@Test
	void tokenomicsPerTier() {
		assertThat(agg("locked_tokens", "testnet")).containsOnly("12000000");
		assertThat(agg("locked_tokens", "mainnet")).containsOnly("12000002");
		assertThat(agg("locked_fees", "testnet")).containsOnly("134244018");
		assertThat(agg("locked_fees", "mainnet")).containsOnly("134244017");
		assertThat(agg("manifest_tokenomics_total_supply", "testnet")).hasSize(MINUTES + 1)
			.containsOnly("123427004070058399998");
		assertThat(agg("manifest_tokenomics_total_supply", "mainnet")).containsOnly("123427004070058399997");
		assertThat(agg("manifest_tokenomics_excluded_supply", "testnet")).containsOnly("122999999987062065853");
		assertThat(agg("manifest_tokenomics_excluded_supply", "mainnet")).containsOnly("122999999987062065852");
	}

	@Test
	void cumulativeSumGrowsBySixtyPerMinute() {
		assertThat(values("get_agg_cumsum_metric('system_tcp_sent', 'cumsum', '1 minute', now() - interval '1 day', now())"))
			.containsExactly("60", "120", "180", "240", "300");
		assertThat(jdbc.queryForList("SELECT value FROM api.get_all_latest_cumsum_metrics()", String.class))
			.allSatisfy(v -> assertThat(new BigDecimal(v).remainder(BigDecimal.valueOf(60))).isZero());
	}

	@Test
	void latestGeoCoordinates() {
		assertThat(jdbc.queryForList("SELECT latitude::text, longitude::text, country_name, city FROM api.get_latest_geo_coordinates()"))
			.containsExactly(Map.of("latitude", "40.804", "longitude", "-74.012", "country_name", "United States", "city",
					"North Bergen"));
	}

	@Test
	void derivedSupplyFigures() {
		assertThat(values("get_latest_circulating_supply('testnet')")).containsExactly("427004082850090127");
		assertThat(values("get_latest_circulating_supply('mainnet')")).containsExactly("427004082850090126");
		assertThat(values("get_latest_burned_supply('testnet')")).containsExactly("4710007");
		assertThat(values("get_latest_burned_supply('mainnet')")).containsExactly("135304300855652060000");
		assertThat(values("get_latest_fdv('testnet')")).containsExactly("46778834542552133599.242");
		assertThat(values("get_latest_fdv('mainnet')")).containsExactly("46778834542552133598.863");
		assertThat(values("get_latest_market_cap('testnet')")).containsExactly("161834547400184158.133");
		assertThat(values("get_latest_market_cap('mainnet')")).containsExactly("161834547400184157.754");
		assertThat(jdbc.queryForList("SELECT table_name || '=' || value FROM api.get_all_latest_token_metrics('testnet')",
				String.class))
			.containsExactlyInAnyOrder("circulating_supply=427004082850090127", "fdv=46778834542552133599.242",
					"market_cap=161834547400184158.133");
	}

	@Test
	void latestPerTier() {
		assertThat(jdbc.queryForList("SELECT table_name || '=' || value FROM api.get_all_latest_common_metrics()", String.class))
			.containsExactlyInAnyOrder("node_count=3", "talib_mfx_power_conversion=0.379");
		assertThat(jdbc.queryForList("SELECT table_name || '=' || value FROM api.get_all_latest_testnet_metrics()",
				String.class))
			.containsExactlyInAnyOrder("locked_fees=134244018", "locked_tokens=12000000",
					"manifest_tokenomics_excluded_supply=122999999987062065853",
					"manifest_tokenomics_total_supply=123427004070058399998", "total_mfx_burned=4710007");
	}

	@Test
	void fdvAndMarketCapOfABucketWithoutPowerConversionAreZero() {
		List<String> fdv = values("get_agg_fdv('testnet', '1 minute', now() - interval '1 day', now())");
		assertThat(fdv).hasSize(MINUTES + 1);
		assertThat(new BigDecimal(fdv.get(0))).isZero();
		assertThat(fdv.subList(1, fdv.size())).containsOnly("46778834542552133599.242");
		List<String> cap = values("get_agg_market_cap('testnet', '1 minute', now() - interval '1 day', now())");
		assertThat(new BigDecimal(cap.get(0))).isZero();
	}

}
