package network.manifest.metrics.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ContextConfiguration;

import network.manifest.metrics.support.FreshDatabaseInitializer;

/**
 * Every function of SPEC section 5 through GET and POST over HTTP, on the acceptance dataset of
 * section 6 (written through the staging tables, three minutes ending just before now) in a database
 * of its own, so the "latest" functions see only these rows.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { ApiFixtures.SECRET_PROPERTY, ApiFixtures.POOL_PROPERTY })
@ContextConfiguration(initializers = FreshDatabaseInitializer.class)
@DirtiesContext // closed afterwards so that its connections go back to the server
class SpecFunctionsTest {

	private static final ObjectMapper JSON = new ObjectMapper();

	private static final DateTimeFormatter PG_JSON = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'+00:00'")
		.withZone(ZoneOffset.UTC);

	/** One recorded series of the fixtures: tag columns as labels carry them. */
	record Series(long tagId, String name, String schema, String value, String instance, String country,
			String city, String supply, String excludedSupply, String amount) {
	}

	private static final List<Series> SERIES = List.of(
			new Series(9001, "node_count", "common", "3", null, null, null, null, null, null),
			new Series(9002, "talib_mfx_power_conversion", "common", "0.379", "talib", null, null, null, null, null),
			new Series(9011, "locked_tokens", "testnet", "1", "chain", null, null, null, null, "12000000"),
			new Series(9012, "locked_fees", "testnet", "1", "chain", null, null, null, null, "134244018"),
			new Series(9013, "manifest_tokenomics_total_supply", "testnet", "1", "chain", null, null,
					"123427004070058399998", null, null),
			new Series(9014, "manifest_tokenomics_excluded_supply", "testnet", "1", "chain", null, null, null,
					"122999999987062065853", null),
			new Series(9015, "total_mfx_burned", "testnet", "4710007", "chain", null, null, null, null, null),
			new Series(9021, "locked_tokens", "mainnet", "1", "chain", null, null, null, null, "12000002"),
			new Series(9022, "locked_fees", "mainnet", "1", "chain", null, null, null, null, "134244017"),
			new Series(9023, "manifest_tokenomics_total_supply", "mainnet", "1", "chain", null, null,
					"123427004070058399997", null, null),
			new Series(9024, "manifest_tokenomics_excluded_supply", "mainnet", "1", "chain", null, null, null,
					"122999999987062065852", null),
			new Series(9025, "total_mfx_burned", "mainnet", "135304300855652060000", "chain", null, null, null, null,
					null),
			new Series(9031, "manifest_geo_latitude", "geo", "40.804", "node-1", "United States", "North Bergen", null,
					null, null),
			new Series(9032, "manifest_geo_longitude", "geo", "-74.012", "node-1", "United States", "North Bergen",
					null, null, null),
			new Series(9033, "manifest_geo_metadata", "geo", "1", "node-1", "United States", "North Bergen", null, null,
					null));

	private static final long CUMSUM_TAG = 9101;

	private static List<Instant> buckets;

	@Autowired
	JdbcTemplate jdbc;

	@LocalServerPort
	int port;

	Http http;

	@BeforeEach
	void setUp() {
		http = new Http(port);
		synchronized (SpecFunctionsTest.class) {
			if (buckets == null) {
				buckets = ingestAcceptanceDataset();
			}
		}
	}

	/** Three one-minute buckets ending before now, each with one sample of every series at :30. */
	private List<Instant> ingestAcceptanceDataset() {
		Instant thisMinute = Instant.now().truncatedTo(ChronoUnit.MINUTES);
		List<Instant> minutes = List.of(thisMinute.minus(3, ChronoUnit.MINUTES), thisMinute.minus(2, ChronoUnit.MINUTES),
				thisMinute.minus(1, ChronoUnit.MINUTES));
		for (Series s : SERIES) {
			jdbc.update("insert into staging_internal.prometheus_remote_write_tag "
					+ "(tag_id, host, instance, country_name, city, supply, excluded_supply, amount) "
					+ "values (?, 'telegraf', ?, ?, ?, ?, ?, ?)", s.tagId(), s.instance(), s.country(), s.city(),
					s.supply(), s.excludedSupply(), s.amount());
		}
		jdbc.update("insert into staging_cumsum.prometheus_remote_write_tag (tag_id, host) values (?, 'telegraf')",
				CUMSUM_TAG);
		for (Instant minute : minutes) {
			java.sql.Timestamp at = java.sql.Timestamp.from(minute.plusSeconds(30));
			for (Series s : SERIES) {
				jdbc.update("insert into staging_internal.prometheus_remote_write (time, tag_id, name, schema, value) "
						+ "values (?, ?, ?, ?, ?::numeric)", at, s.tagId(), s.name(), s.schema(), s.value());
			}
			jdbc.update("insert into staging_cumsum.prometheus_remote_write (time, tag_id, name, schema, value) "
					+ "values (?, ?, 'system_tcp_sent', 'cumsum', 60)", at, CUMSUM_TAG);
		}
		return minutes;
	}

	// ---- helpers ----------------------------------------------------------------------------------

	private static String ts(Instant instant) {
		return PG_JSON.format(instant);
	}

	private static String last() {
		return ts(buckets.get(2));
	}

	/** [{timestamp, value}] for the three buckets, oldest first, with one value. */
	private static JsonNode perBucket(String value, boolean newestFirst) {
		ArrayNode rows = JSON.createArrayNode();
		List<Instant> order = new ArrayList<>(buckets);
		if (newestFirst) {
			java.util.Collections.reverse(order);
		}
		order.forEach(b -> rows.addObject().put("timestamp", ts(b)).put("value", value));
		return rows;
	}

	private static JsonNode latest(String value) {
		ArrayNode rows = JSON.createArrayNode();
		rows.addObject().put("timestamp", last()).put("value", value);
		return rows;
	}

	private static JsonNode named(Map<String, String> values) {
		ArrayNode rows = JSON.createArrayNode();
		values.forEach((name, value) -> rows.addObject().put("timestamp", last()).put("table_name", name).put("value", value));
		return rows;
	}

	private static Map<String, String> range(String... nameValues) {
		Map<String, String> args = new LinkedHashMap<>();
		for (int i = 0; i < nameValues.length; i += 2) {
			args.put(nameValues[i], nameValues[i + 1]);
		}
		args.put("p_interval", "1 minute");
		args.put("p_from", Instant.now().minus(1, ChronoUnit.DAYS).toString());
		args.put("p_to", Instant.now().toString());
		return args;
	}

	/** Calls the function by GET (query string, encoded as the dashboard's URLSearchParams does) and by POST. */
	private void assertBoth(String function, Map<String, String> args, JsonNode expected) {
		String query = args.entrySet()
			.stream()
			.map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
			.collect(Collectors.joining("&"));
		Http.Response get = http.get("/rpc/" + function + (query.isEmpty() ? "" : "?" + query));
		assertThat(get.status()).as("GET " + function + ": " + get.body()).isEqualTo(200);
		assertThat(get.json()).as("GET " + function).isEqualTo(expected);
		ObjectNode body = JSON.createObjectNode();
		args.forEach(body::put);
		Http.Response post = http.post("/rpc/" + function, body.toString(), "Content-Type", "application/json");
		assertThat(post.status()).as("POST " + function + ": " + post.body()).isEqualTo(200);
		assertThat(post.json()).as("POST " + function).isEqualTo(expected);
	}

	// ---- the functions ----------------------------------------------------------------------------

	@Test
	void getAggMetric() {
		assertBoth("get_agg_metric", range("p_metric_name", "node_count", "p_schema", "common"), perBucket("3", true));
		String[][] tiers = { { "locked_tokens", "12000000", "12000002" }, { "locked_fees", "134244018", "134244017" },
				{ "manifest_tokenomics_total_supply", "123427004070058399998", "123427004070058399997" },
				{ "manifest_tokenomics_excluded_supply", "122999999987062065853", "122999999987062065852" } };
		for (String[] t : tiers) {
			assertBoth("get_agg_metric", range("p_metric_name", t[0], "p_schema", "testnet"), perBucket(t[1], true));
			assertBoth("get_agg_metric", range("p_metric_name", t[0], "p_schema", "mainnet"), perBucket(t[2], true));
		}
	}

	@Test
	void dashboardStyleCallGivesNewestFirst() {
		Instant now = Instant.now();
		String from = URLEncoder.encode(now.minus(1, ChronoUnit.HOURS).toString(), StandardCharsets.UTF_8);
		String to = URLEncoder.encode(now.toString(), StandardCharsets.UTF_8);
		Http.Response r = http.get("/rpc/get_agg_metric?p_metric_name=node_count&p_schema=common&order=timestamp.desc"
				+ "&p_interval=1+minute&p_from=" + from + "&p_to=" + to, "Accept", "*/*", "Accept-Encoding",
				"gzip, deflate");
		assertThat(r.status()).isEqualTo(200);
		assertThat(r.json()).isEqualTo(perBucket("3", true));
	}

	@Test
	void getAggCumsumMetric() {
		ArrayNode expected = JSON.createArrayNode();
		for (int i = 0; i < 3; i++) {
			expected.addObject().put("timestamp", ts(buckets.get(i))).put("value", Integer.toString(60 * (i + 1)));
		}
		assertBoth("get_agg_cumsum_metric", range("p_metric_name", "system_tcp_sent", "p_schema", "cumsum"), expected);
	}

	@Test
	void tokenomicsRanges() {
		assertBoth("get_agg_circulating_supply", range("p_schema", "testnet"), perBucket("427004082850090127", false));
		assertBoth("get_agg_circulating_supply", range("p_schema", "mainnet"), perBucket("427004082850090126", false));
		assertBoth("get_agg_burned_supply", range("p_schema", "testnet"), perBucket("4710007", false));
		assertBoth("get_agg_burned_supply", range("p_schema", "mainnet"), perBucket("135304300855652060000", false));
		assertBoth("get_agg_fdv", range("p_schema", "testnet"), perBucket("46778834542552133599.242", false));
		assertBoth("get_agg_fdv", range("p_schema", "mainnet"), perBucket("46778834542552133598.863", false));
		assertBoth("get_agg_market_cap", range("p_schema", "testnet"), perBucket("161834547400184158.133", false));
		assertBoth("get_agg_market_cap", range("p_schema", "mainnet"), perBucket("161834547400184157.754", false));
	}

	@Test
	void tokenomicsLatest() {
		Map<String, String> testnet = Map.of("p_schema", "testnet");
		Map<String, String> mainnet = Map.of("p_schema", "mainnet");
		assertBoth("get_latest_circulating_supply", testnet, latest("427004082850090127"));
		assertBoth("get_latest_circulating_supply", mainnet, latest("427004082850090126"));
		assertBoth("get_latest_burned_supply", testnet, latest("4710007"));
		assertBoth("get_latest_burned_supply", mainnet, latest("135304300855652060000"));
		assertBoth("get_latest_fdv", testnet, latest("46778834542552133599.242"));
		assertBoth("get_latest_fdv", mainnet, latest("46778834542552133598.863"));
		assertBoth("get_latest_market_cap", testnet, latest("161834547400184158.133"));
		assertBoth("get_latest_market_cap", mainnet, latest("161834547400184157.754"));
		Map<String, String> tokenTestnet = new LinkedHashMap<>();
		tokenTestnet.put("circulating_supply", "427004082850090127");
		tokenTestnet.put("fdv", "46778834542552133599.242");
		tokenTestnet.put("market_cap", "161834547400184158.133");
		assertBoth("get_all_latest_token_metrics", testnet, named(tokenTestnet));
		Map<String, String> tokenMainnet = new LinkedHashMap<>();
		tokenMainnet.put("circulating_supply", "427004082850090126");
		tokenMainnet.put("fdv", "46778834542552133598.863");
		tokenMainnet.put("market_cap", "161834547400184157.754");
		assertBoth("get_all_latest_token_metrics", mainnet, named(tokenMainnet));
	}

	@Test
	void mainnetScalars() {
		assertThat(http.get("/rpc/get_latest_mainnet_circulating_supply_value").body()).isEqualTo("427004082850090126");
		assertThat(http.post("/rpc/get_latest_mainnet_circulating_supply_value", "").body())
			.isEqualTo("427004082850090126");
		assertThat(http.get("/rpc/get_latest_mainnet_total_supply_value").body()).isEqualTo("123427004070058399998");
		assertThat(http.post("/rpc/get_latest_mainnet_total_supply_value", "{}").body())
			.isEqualTo("123427004070058399998");
	}

	@Test
	void latestPerTier() {
		Map<String, String> common = new LinkedHashMap<>();
		common.put("node_count", "3");
		common.put("talib_mfx_power_conversion", "0.379");
		assertBoth("get_all_latest_common_metrics", Map.of(), named(common));
		Map<String, String> testnet = new LinkedHashMap<>();
		testnet.put("locked_fees", "134244018");
		testnet.put("locked_tokens", "12000000");
		testnet.put("manifest_tokenomics_excluded_supply", "122999999987062065853");
		testnet.put("manifest_tokenomics_total_supply", "123427004070058399998");
		testnet.put("total_mfx_burned", "4710007");
		assertBoth("get_all_latest_testnet_metrics", Map.of(), named(testnet));
		Map<String, String> mainnet = new LinkedHashMap<>();
		mainnet.put("locked_fees", "134244017");
		mainnet.put("locked_tokens", "12000002");
		mainnet.put("manifest_tokenomics_excluded_supply", "122999999987062065852");
		mainnet.put("manifest_tokenomics_total_supply", "123427004070058399997");
		mainnet.put("total_mfx_burned", "135304300855652060000");
		assertBoth("get_all_latest_mainnet_metrics", Map.of(), named(mainnet));
		assertBoth("get_all_latest_cumsum_metrics", Map.of(), named(Map.of("system_tcp_sent", "180")));
	}

	@Test
	void geoCoordinates() {
		assertBoth("get_latest_geo_coordinates", Map.of(), ApiFixtures.json(
				"[{\"latitude\":40.804,\"longitude\":-74.012,\"country_name\":\"United States\",\"city\":\"North Bergen\"}]"));
	}

	@Test
	void badIntervalIs400AndUnknownFunctionIs404() {
		Map<String, String> args = range("p_metric_name", "node_count", "p_schema", "common");
		args.put("p_interval", "1 fortnight");
		String query = args.entrySet()
			.stream()
			.map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
			.collect(Collectors.joining("&"));
		Http.Response bad = http.get("/rpc/get_agg_metric?" + query);
		assertThat(bad.status()).isEqualTo(400);
		assertThat(bad.json()).isEqualTo(
				ApiFixtures.error("22007", null, null, "invalid input syntax for type interval: \"1 fortnight\""));
		Http.Response unknown = http.get("/rpc/get_agg_metrics?" + query);
		assertThat(unknown.status()).isEqualTo(404);
		assertThat(unknown.json().get("hint").asText())
			.isEqualTo("Perhaps you meant to call the function api.get_agg_metric");
	}

	@Test
	void writerManagesExcludedAddresses() throws SQLException {
		String writer = "Bearer " + ApiFixtures.token("writer", Instant.now().plusSeconds(300));
		String address = "manifest1exampleaddress" + System.nanoTime();
		String body = "{\"p_value\":\"" + address + "\"}";

		Http.Response anonymous = http.post("/rpc/add_excluded_address", body);
		assertThat(anonymous.status()).isEqualTo(401);
		assertThat(anonymous.header("WWW-Authenticate")).isEqualTo("Bearer");
		assertThat(anonymous.json())
			.isEqualTo(ApiFixtures.error("42501", null, null, "permission denied for function add_excluded_address"));

		assertThat(http.post("/rpc/add_excluded_address", body, "Authorization", writer).status()).isEqualTo(204);
		Integer id = jdbc.queryForObject("select id from internal.excluded_addresses where value = ?", Integer.class,
				address);
		JsonNode listed = http.get("/rpc/get_excluded_addresses").json();
		assertThat(listed).contains(JSON.createObjectNode().put("id", id).put("value", address));
		// duplicates are refused by the unique constraint: 409
		Http.Response again = http.post("/rpc/add_excluded_address", body, "Authorization", writer);
		assertThat(again.status()).isEqualTo(409);
		assertThat(again.json().get("code").asText()).isEqualTo("23505");
		// a writer function under GET runs read-only and is refused
		assertThat(http.get("/rpc/rm_excluded_address?p_value=" + address, "Authorization", writer).status())
			.isEqualTo(405);

		assertThat(http.post("/rpc/rm_excluded_address", body, "Authorization", writer).status()).isEqualTo(204);
		assertThat(http.get("/rpc/get_excluded_addresses").json())
			.noneSatisfy(row -> assertThat(row.get("value").asText()).isEqualTo(address));
		Http.Response anonymousRemove = http.post("/rpc/rm_excluded_address", body);
		assertThat(anonymousRemove.status()).isEqualTo(401);
	}

}
