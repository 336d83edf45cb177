package network.manifest.metrics.senders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import network.manifest.metrics.support.TestDatabase;

/**
 * The gateway fed by the real senders, each started here on a loopback port: Pushgateway holding the
 * reference fixtures, Prometheus scraping it every 5 s, vmalert evaluating deploy/rules/live.yml every
 * minute and remote-writing to the gateway (live); and VictoriaMetrics holding two weeks of the fixtures'
 * source series, replayed by {@code vmalert -replay} with deploy/rules/backfill/*.yml as the compose
 * backfill jobs do (backfill). The live pipeline runs while the backfill is checked, over a range that
 * ends before the live data begins.
 * <p>
 * Without the programs the test is skipped, or fails when GATEWAY_TEST_REQUIRE_SENDERS=true (CI).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RealSendersIT {

	static final String INSTALL = "apt-get install prometheus prometheus-pushgateway victoria-metrics";

	static final List<String> PROGRAMS = List.of("prometheus-pushgateway", "prometheus", "vmalert", "victoria-metrics");

	static final Path FIXTURES = Path.of("deploy", "fixtures");

	static final Path RULES = Path.of("deploy", "rules").toAbsolutePath();

	static final Pattern IMPORTED = Pattern.compile("Imported (\\d+) samples");

	static final ObjectMapper JSON = new ObjectMapper();

	static final HttpClient HTTP = HttpClient.newHttpClient();

	static final List<ExternalProgram> running = new ArrayList<>();

	static Path work;

	static ConfigurableApplicationContext gateway;

	static JdbcTemplate jdbc;

	static String gatewayUrl;

	static String victoriaMetricsUrl;

	static String vmalertUrl;

	/** Live data is newer than this; backfilled data older. */
	static Instant liveFrom;

	@BeforeAll
	static void startTheSenders() throws Exception {
		List<String> missing = PROGRAMS.stream().filter(p -> ExternalProgram.find(p) == null).toList();
		if (!missing.isEmpty()) {
			String message = "real senders not installed: " + missing + " (" + INSTALL + ")";
			if (Boolean.parseBoolean(System.getenv("GATEWAY_TEST_REQUIRE_SENDERS"))) {
				throw new IllegalStateException(message);
			}
			assumeTrue(false, message);
		}
		work = Files.createTempDirectory("real-senders");
		gateway = TestDatabase.create().startApplication("--spring.datasource.hikari.maximum-pool-size=4",
				"--spring.datasource.hikari.minimum-idle=0");
		jdbc = gateway.getBean(JdbcTemplate.class);
		gatewayUrl = "http://127.0.0.1:" + gateway.getEnvironment().getRequiredProperty("local.server.port");
		liveFrom = Instant.now().truncatedTo(ChronoUnit.MINUTES);

		int pushgatewayPort = ExternalProgram.freePort();
		String pushgateway = "http://127.0.0.1:" + pushgatewayPort;
		running.add(ExternalProgram.start("pushgateway", work, "prometheus-pushgateway",
				"--web.listen-address=127.0.0.1:" + pushgatewayPort).awaitReady(pushgateway + "/-/ready"));
		for (Path fixture : fixtures()) {
			String group = fixture.getFileName().toString().replace(".prom", "");
			HttpResponse<String> pushed = HTTP.send(HttpRequest.newBuilder(URI.create(pushgateway
					+ "/metrics/job/fixtures/fixture/" + group)).POST(HttpRequest.BodyPublishers.ofFile(fixture)).build(),
					HttpResponse.BodyHandlers.ofString());
			assertThat(pushed.statusCode()).as("push of " + fixture + ": " + pushed.body()).isEqualTo(200);
		}

		int prometheusPort = ExternalProgram.freePort();
		String prometheus = "http://127.0.0.1:" + prometheusPort;
		Files.writeString(work.resolve("prometheus.yml"), """
				global:
				  scrape_interval: 5s
				scrape_configs:
				  - job_name: pushgateway
				    honor_labels: true
				    static_configs:
				      - targets: ['127.0.0.1:%d']
				""".formatted(pushgatewayPort));
		running.add(ExternalProgram.start("prometheus", work, "prometheus", "--config.file=prometheus.yml",
				"--storage.tsdb.path=prometheus-data", "--web.listen-address=127.0.0.1:" + prometheusPort)
			.awaitReady(prometheus + "/-/ready"));

		int vmalertPort = ExternalProgram.freePort();
		vmalertUrl = "http://127.0.0.1:" + vmalertPort;
		// the compose service's flags (docker-compose.yml, service vmalert)
		running.add(ExternalProgram.start("vmalert-live", work, "vmalert", "-datasource.url=" + prometheus,
				"-remoteWrite.url=" + gatewayUrl + "/write", "-remoteWrite.disablePathAppend",
				"-rule=" + RULES.resolve("*.yml"), "-evaluationInterval=1m", "-httpListenAddr=127.0.0.1:" + vmalertPort)
			.awaitReady(vmalertUrl + "/health"));

		int victoriaMetricsPort = ExternalProgram.freePort();
		victoriaMetricsUrl = "http://127.0.0.1:" + victoriaMetricsPort;
		running.add(ExternalProgram.start("victoria-metrics", work, "victoria-metrics",
				"-storageDataPath=victoria-metrics-data", "-retentionPeriod=100y", "-search.latencyOffset=0s",
				// backfill/1y.yml's subquery [1d:5m] over a year needs 105,120 inner points per series
				"-search.maxPointsPerTimeseries=200000",
				"-httpListenAddr=127.0.0.1:" + victoriaMetricsPort).awaitReady(victoriaMetricsUrl + "/health"));
		importHistory(backfillTo().minus(Duration.ofDays(14)), backfillTo(), Duration.ofMinutes(5));
		// and a year before those two weeks, one point per hour, for the year-long replay
		importHistory(yearFrom().minus(Duration.ofDays(2)), yearTo(), Duration.ofHours(1));
	}

	@AfterAll
	static void stopTheSenders() throws Exception {
		for (ExternalProgram program : running) {
			program.close();
		}
		if (gateway != null) {
			gateway.close();
		}
	}

	/** The end of the replayed range: before the first live evaluation. */
	static Instant backfillTo() {
		return liveFrom.minus(Duration.ofMinutes(10));
	}

	static Instant backfillFrom() {
		return backfillTo().minus(Duration.ofDays(7));
	}

	/** The year replayed by backfill/1y.yml: it ends where the two weeks of 5-minute history begin. */
	static Instant yearTo() {
		return backfillTo().minus(Duration.ofDays(14));
	}

	static Instant yearFrom() {
		return yearTo().minus(Duration.ofDays(365));
	}

	@Test
	@Order(1)
	void backfillReplayStoresEveryRecordedSampleOnceAndTheApiSumsThem() throws Exception {
		long imported = replay("1w.yml") + replay("all.yml");
		assertThat(imported).as("samples vmalert recorded").isPositive();
		assertThat(rawRowsInBackfillRange()).as("rows stored in the replayed range").isEqualTo(imported);

		// one value per day over the replayed week, each the fixtures' value
		assertThat(values("get_agg_metric", "node_count", "common", "1 day")).hasSizeBetween(7, 8).containsOnly("3");
		assertThat(values("get_agg_metric", "locked_tokens", "testnet", "1 day")).hasSizeBetween(7, 8)
			.containsOnly("12000000");
		assertThat(values("get_agg_metric", "manifest_tokenomics_total_supply", "mainnet", "1 day"))
			.containsOnly("123427004070058399997");
		assertThat(values("get_agg_metric", "total_mfx_burned", "testnet", "1 day")).containsOnly("4710007");
		// VictoriaMetrics keeps about 15 significant digits, so the replayed 1.3530430085565206e20 is what it
		// answers, not the fixture's value
		assertThat(values("get_agg_metric", "total_mfx_burned", "mainnet", "1 day")).containsOnly(
				victoriaMetricsValue("yaci_tokenomics_total_burn_amount{manifest_tier=\"mainnet\"}").toPlainString());

		// cumulative: the API's running total per day equals the running sum of the raw rows
		List<String> running = values("get_agg_cumsum_metric", "system_tcp_sent", "cumsum", "1 day");
		assertThat(running).hasSizeBetween(7, 8).containsExactlyElementsOf(rawRunningDailySums("system_tcp_sent"));

		// the same replay again (a job run twice) adds nothing
		long before = rawRowsInBackfillRange();
		assertThat(replay("1w.yml") + replay("all.yml")).isEqualTo(imported);
		assertThat(rawRowsInBackfillRange()).isEqualTo(before);
		assertThat(values("get_agg_cumsum_metric", "system_tcp_sent", "cumsum", "1 day")).isEqualTo(running);
	}

	@Test
	@Order(2)
	void aYearIsReplayedInOneRunWithVmalertsDefaultTimeout() throws Exception {
		// Debian's vmalert 1.79 queries at -datasource.queryStep (5 minutes) whatever the group's interval;
		// newer ones (the compose image) step by the interval, one day for this file, as set here
		long imported = replay("1y.yml", yearFrom(), yearTo(), "-datasource.queryStep=24h");
		assertThat(imported).as("a point per day and series").isGreaterThan(365);
		assertThat(rawRows(yearFrom().minus(Duration.ofDays(1)), yearTo())).as("rows stored in the year")
			.isEqualTo(imported);
		List<JsonNode> days = rpc("get_agg_metric", Map.of("p_metric_name", "node_count", "p_schema", "common",
				"p_interval", "1 day", "p_from", yearFrom().minus(Duration.ofDays(1)).toString(), "p_to",
				yearTo().toString()));
		assertThat(days).hasSizeBetween(365, 367).allSatisfy(d -> assertThat(d.get("value").asText()).isEqualTo("3"));
	}

	@Test
	@Order(3)
	void liveVmalertGivesTheAcceptanceValuesAfterThreeEvaluations() throws Exception {
		await("three evaluations of every live rule group, delivered").atMost(Duration.ofMinutes(5))
			.pollInterval(Duration.ofSeconds(2))
			.until(() -> vmalertMetrics("vmalert_iteration_total").values().stream().allMatch(v -> v >= 3)
					&& liveRows("node_count") >= 3 && liveRows("system_tcp_sent") >= 3);
		assertThat(vmalertMetrics("vmalert_remotewrite_errors_total")).containsOnly(Map.entry("", 0.0));
		assertThat(vmalertMetrics("vmalert_remotewrite_dropped_rows_total")).containsOnly(Map.entry("", 0.0));

		List<String> nodeCount = rpc("get_agg_metric", Map.of("p_metric_name", "node_count", "p_schema", "common",
				"p_interval", "1 minute", "p_from", Instant.now().minus(Duration.ofDays(1)).toString(), "p_to",
				Instant.now().toString())).stream().map(r -> r.get("value").asText()).toList();
		assertThat(nodeCount).hasSizeGreaterThan(1).containsOnly("3");
		for (String[] tier : new String[][] { { "testnet", "12000000", "134244018", "123427004070058399998",
				"122999999987062065853" }, { "mainnet", "12000002", "134244017", "123427004070058399997",
						"122999999987062065852" } }) {
			assertThat(liveValues("locked_tokens", tier[0])).containsOnly(tier[1]);
			assertThat(liveValues("locked_fees", tier[0])).containsOnly(tier[2]);
			assertThat(liveValues("manifest_tokenomics_total_supply", tier[0])).containsOnly(tier[3]);
			assertThat(liveValues("manifest_tokenomics_excluded_supply", tier[0])).containsOnly(tier[4]);
		}

		// 60 per evaluation, on top of everything stored before the window (the backfill)
		BigDecimal base = jdbc.queryForObject("SELECT coalesce(sum(value), 0) FROM cumsum.prometheus_remote_write"
				+ " WHERE name = 'system_tcp_sent' AND time < ?", BigDecimal.class, Timestamp.from(liveFrom));
		List<BigDecimal> cumulative = rpc("get_agg_cumsum_metric", Map.of("p_metric_name", "system_tcp_sent", "p_schema",
				"cumsum", "p_interval", "1 minute", "p_from", liveFrom.toString(), "p_to", Instant.now().toString()))
			.stream().map(r -> new BigDecimal(r.get("value").asText())).toList();
		assertThat(cumulative).hasSizeGreaterThanOrEqualTo(3);
		for (int i = 0; i < cumulative.size(); i++) {
			assertThat(cumulative.get(i)).as("running total " + i)
				.isEqualByComparingTo(base.add(BigDecimal.valueOf(60L * (i + 1))));
		}

		assertThat(rpc("get_latest_geo_coordinates", Map.of())).singleElement().satisfies(r -> {
			assertThat(r.get("latitude").asDouble()).isEqualTo(40.804);
			assertThat(r.get("longitude").asDouble()).isEqualTo(-74.012);
			assertThat(r.get("country_name").asText()).isEqualTo("United States");
			assertThat(r.get("city").asText()).isEqualTo("North Bergen");
		});
		assertThat(latest("get_latest_circulating_supply", "testnet")).isEqualTo("427004082850090127");
		assertThat(latest("get_latest_circulating_supply", "mainnet")).isEqualTo("427004082850090126");
		assertThat(latest("get_latest_burned_supply", "testnet")).isEqualTo("4710007");
		assertThat(latest("get_latest_burned_supply", "mainnet")).isEqualTo("135304300855652060000");
		assertThat(latest("get_latest_fdv", "testnet")).isEqualTo("46778834542552133599.242");
		assertThat(latest("get_latest_fdv", "mainnet")).isEqualTo("46778834542552133598.863");
		assertThat(latest("get_latest_market_cap", "testnet")).isEqualTo("161834547400184158.133");
		assertThat(latest("get_latest_market_cap", "mainnet")).isEqualTo("161834547400184157.754");
		assertThat(rpc("get_all_latest_common_metrics", Map.of()).stream()
			.map(r -> r.get("table_name").asText() + "=" + r.get("value").asText())).containsExactlyInAnyOrder(
					"node_count=3", "talib_mfx_power_conversion=0.379");
	}

	/** Runs the compose backfill job's vmalert over the replayed range; returns vmalert's imported count. */
	static long replay(String ruleFile) throws Exception {
		return replay(ruleFile, backfillFrom(), backfillTo());
	}

	static long replay(String ruleFile, Instant from, Instant to, String... extraFlags) throws Exception {
		// the flags of deploy/vmalert/backfill.sh, with vmalert's defaults otherwise (its 30 s send timeout)
		List<String> flags = new ArrayList<>(List.of("-rule=" + RULES.resolve("backfill").resolve(ruleFile),
				"-datasource.url=" + victoriaMetricsUrl, "-remoteWrite.url=" + gatewayUrl + "/write",
				"-remoteWrite.disablePathAppend", "-replay.timeFrom=" + from, "-replay.timeTo=" + to,
				"-replay.disableProgressBar", "-httpListenAddr=127.0.0.1:" + ExternalProgram.freePort()));
		flags.addAll(List.of(extraFlags));
		ExternalProgram vmalert = ExternalProgram.start("vmalert-replay-" + ruleFile, work, "vmalert",
				flags.toArray(String[]::new));
		int exit = vmalert.awaitExit(Duration.ofMinutes(3));
		String log = vmalert.output();
		// vmalert 1.79 exits 0 even when it dropped rows it could not deliver, so its log is read too
		assertThat(exit).as(log).isZero();
		assertThat(log).doesNotContainIgnoringCase("dropping").doesNotContain("\terror\t");
		Matcher imported = IMPORTED.matcher(log);
		assertThat(imported.find()).as(log).isTrue();
		return Long.parseLong(imported.group(1));
	}

	/** Every fixture series over [from, to), one point per step, into VictoriaMetrics. */
	static void importHistory(Instant from, Instant to, Duration step) throws Exception {
		StringBuilder body = new StringBuilder();
		int series = 0;
		for (Path fixture : fixtures()) {
			for (String line : Files.readAllLines(fixture)) {
				if (line.isBlank() || line.startsWith("#")) {
					continue;
				}
				int space = line.lastIndexOf(' ');
				String head = line.substring(0, space).replaceAll(",\\s+", ",");
				String value = line.substring(space + 1);
				series++;
				for (Instant t = from; t.isBefore(to); t = t.plus(step)) {
					body.append(head).append(' ').append(value).append(' ').append(t.toEpochMilli()).append('\n');
				}
			}
		}
		HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(victoriaMetricsUrl
				+ "/api/v1/import/prometheus")).POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(204);
		int expected = series;
		long at = to.minus(step).getEpochSecond();
		await("imported history searchable").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
			.until(() -> {
				ExternalProgram.status(victoriaMetricsUrl + "/internal/force_flush");
				return victoriaMetricsCount("count(last_over_time({__name__=~\"up|netdata_.+|yaci_.+|talib_.+\"}[1d]))",
						at) == expected;
			});
	}

	static long victoriaMetricsCount(String query, long atEpochSecond) throws IOException, InterruptedException {
		BigDecimal count = victoriaMetricsValue(query, atEpochSecond);
		return count == null ? 0 : count.longValueExact();
	}

	/** The value of an instant query at the end of the history, or {@code null} without a result. */
	static BigDecimal victoriaMetricsValue(String query) throws IOException, InterruptedException {
		return victoriaMetricsValue(query, backfillTo().getEpochSecond());
	}

	static BigDecimal victoriaMetricsValue(String query, long atEpochSecond) throws IOException, InterruptedException {
		HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(victoriaMetricsUrl
				+ "/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8) + "&time="
				+ atEpochSecond)).build(), HttpResponse.BodyHandlers.ofString());
		JsonNode result = JSON.readTree(response.body()).path("data").path("result");
		return result.isEmpty() ? null : new BigDecimal(result.get(0).path("value").get(1).asText()).stripTrailingZeros();
	}

	static List<Path> fixtures() throws IOException {
		try (Stream<Path> files = Files.list(FIXTURES)) {
			return files.filter(f -> f.toString().endsWith(".prom")).sorted().toList();
		}
	}

	/** vmalert's own metric {@code name}, by its label set. */
	static Map<String, Double> vmalertMetrics(String name) throws IOException, InterruptedException {
		String text = HTTP.send(HttpRequest.newBuilder(URI.create(vmalertUrl + "/metrics")).build(),
				HttpResponse.BodyHandlers.ofString()).body();
		Map<String, Double> values = new LinkedHashMap<>();
		for (String line : text.split("\n")) {
			if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
				int space = line.lastIndexOf(' ');
				String labels = line.substring(name.length(), space);
				values.put(labels, Double.parseDouble(line.substring(space + 1)));
			}
		}
		return values;
	}

	/**
	 * The rows of the week's replays: older than the live data, newer than the year's (vmalert aligns a
	 * replay's start down to its step, so from an hour before the range).
	 */
	static long rawRowsInBackfillRange() {
		return rawRows(backfillFrom().minus(Duration.ofHours(1)), liveFrom);
	}

	static long rawRows(Instant from, Instant to) {
		Long rows = jdbc.queryForObject("""
				SELECT (SELECT count(*) FROM internal.prometheus_remote_write WHERE time >= ? AND time < ?)
					+ (SELECT count(*) FROM cumsum.prometheus_remote_write WHERE time >= ? AND time < ?)""", Long.class,
				Timestamp.from(from), Timestamp.from(to), Timestamp.from(from), Timestamp.from(to));
		return rows == null ? 0 : rows;
	}

	static long liveRows(String name) {
		Long rows = jdbc.queryForObject("""
				SELECT (SELECT count(*) FROM internal.prometheus_remote_write WHERE name = ? AND time >= ?)
					+ (SELECT count(*) FROM cumsum.prometheus_remote_write WHERE name = ? AND time >= ?)""", Long.class,
				name, Timestamp.from(liveFrom), name, Timestamp.from(liveFrom));
		return rows == null ? 0 : rows;
	}

	/** Running sum of the replayed raw rows per UTC day, as text (get_agg_cumsum_metric from an empty start). */
	static List<String> rawRunningDailySums(String name) {
		Map<Instant, BigDecimal> perDay = new TreeMap<>();
		jdbc.query("SELECT time, value FROM cumsum.prometheus_remote_write WHERE name = ? AND time < ?",
				rs -> {
					Instant day = rs.getTimestamp(1).toInstant().atOffset(ZoneOffset.UTC).truncatedTo(ChronoUnit.DAYS)
						.toInstant();
					perDay.merge(day, rs.getBigDecimal(2), BigDecimal::add);
				}, name, Timestamp.from(liveFrom));
		List<String> sums = new ArrayList<>();
		BigDecimal total = BigDecimal.ZERO;
		for (BigDecimal day : perDay.values()) {
			total = total.add(day);
			sums.add(total.stripTrailingZeros().toPlainString());
		}
		return sums;
	}

	/** The values of a get_agg_* call over the replayed range (HTTP, as a dashboard calls it). */
	static List<String> values(String function, String name, String schema, String interval) throws Exception {
		List<JsonNode> rows = rpc(function, Map.of("p_metric_name", name, "p_schema", schema, "p_interval", interval,
				"p_from", backfillFrom().minus(Duration.ofDays(1)).toString(), "p_to", liveFrom.toString()));
		return rows.stream().map(r -> new BigDecimal(r.get("value").asText()).stripTrailingZeros().toPlainString())
			.toList();
	}

	/** The values of get_agg_metric over the live window. */
	static List<String> liveValues(String name, String schema) throws Exception {
		return rpc("get_agg_metric", Map.of("p_metric_name", name, "p_schema", schema, "p_interval", "1 minute", "p_from",
				liveFrom.toString(), "p_to", Instant.now().toString())).stream().map(r -> r.get("value").asText()).toList();
	}

	static String latest(String function, String schema) throws Exception {
		List<JsonNode> rows = rpc(function, Map.of("p_schema", schema));
		assertThat(rows).as(function + "(" + schema + ")").hasSize(1);
		return rows.get(0).get("value").asText();
	}

	static List<JsonNode> rpc(String function, Map<String, String> args) throws Exception {
		StringBuilder query = new StringBuilder();
		args.forEach((k, v) -> query.append(query.isEmpty() ? "?" : "&").append(k).append('=')
			.append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
		HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(gatewayUrl + "/rpc/" + function
				+ query)).build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(function + ": " + response.body()).isEqualTo(200);
		List<JsonNode> rows = new ArrayList<>();
		JSON.readTree(response.body()).forEach(rows::add);
		return rows;
	}

}
