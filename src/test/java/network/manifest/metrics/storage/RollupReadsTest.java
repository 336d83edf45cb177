package network.manifest.metrics.storage;

import static network.manifest.metrics.storage.Jdbc.execute;
import static network.manifest.metrics.storage.Jdbc.rows;
import static network.manifest.metrics.storage.Jdbc.update;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The api functions read hour, day and minute rollups where they can; here they must answer exactly what
 * their first definitions (src/test/resources/reference/v1_api_functions.sql, loaded into a schema
 * {@code reference}) answer from the finer data: on random data written in overlapping batches, for random
 * ranges (aligned and not) and widths, after retention removed the oldest raw rows, and after a repair with
 * rebuild_rollups. The hour and day rollups
 * must always equal their recomputation from the minutes, also under concurrent writers.
 */
class RollupReadsTest {

	static final long SEED = 20261125L;

	static final Instant T0 = Instant.parse("2025-06-01T22:13:00Z");

	static final List<String> WIDTHS = List.of("1 minute", "5 minutes", "1 hour", "90 minutes", "1 day", "2 days",
			"7 days", "1 month", "30 seconds", "90 seconds", "1 hour 1 second");

	static MigratedDatabase db;

	static Connection c;

	@BeforeAll
	static void migrateAndLoadReference() throws Exception {
		db = MigratedDatabase.create();
		c = db.connect();
		String original;
		try (InputStream in = RollupReadsTest.class.getResourceAsStream("/reference/v1_api_functions.sql")) {
			original = new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		execute(c, "CREATE SCHEMA reference");
		execute(c, original.replace("api.", "reference.").replace("internal.tokenomics", "reference.tokenomics"));
		writeRandomData(new Random(SEED));
	}

	@AfterAll
	static void close() throws SQLException {
		c.close();
	}

	/**
	 * Three days of samples at random instants for tokenomics names of two tiers (numeric, non-numeric and
	 * missing tag numbers), the power conversion in two schemas, two node_count series and a cumulative
	 * counter, plus recent minutes; written in shuffled overlapping batches, so later batches add samples to
	 * minutes already rolled up (a last value can go down).
	 */
	static void writeRandomData(Random random) throws SQLException {
		update(c, """
				INSERT INTO staging_internal.prometheus_remote_write_tag (tag_id, host, instance, supply, excluded_supply, amount)
				VALUES (901, 'h', 'a', '1000', NULL, NULL), (902, 'h', 'b', '2000.5', NULL, NULL),
				(903, 'h', 'a', '3000', NULL, NULL), (904, 'h', 'a', NULL, '500', NULL), (905, 'h', 'a', NULL, NULL, '12'),
				(906, 'h', 'a', NULL, NULL, 'not a number'), (907, 'h', 'a', NULL, NULL, NULL), (908, 'h', 'a', NULL, NULL, NULL),
				(909, 'h', 'b', NULL, NULL, NULL), (910, 'h', 'a', NULL, NULL, NULL), (911, 'h', 'b', NULL, NULL, NULL),
				(912, 'h', 'b', NULL, '700', NULL), (913, 'h', 'c', NULL, NULL, NULL)""");
		// tag, name, schema, decimals (one scale per name and schema: equal maxima then print alike)
		Object[][] series = { { 901, "manifest_tokenomics_total_supply", "testnet", 0 },
				{ 902, "manifest_tokenomics_total_supply", "testnet", 0 }, { 903, "manifest_tokenomics_total_supply", "mainnet", 0 },
				{ 904, "manifest_tokenomics_excluded_supply", "testnet", 1 }, { 912, "manifest_tokenomics_excluded_supply", "mainnet", 1 },
				{ 905, "locked_tokens", "testnet", 2 }, { 906, "locked_fees", "testnet", 2 }, { 907, "total_mfx_burned", "testnet", 3 },
				{ 913, "total_mfx_burned", "mainnet", 3 }, { 908, "talib_mfx_power_conversion", "common", 3 },
				{ 909, "talib_mfx_power_conversion", "testnet", 3 }, { 910, "node_count", "common", 0 },
				{ 911, "node_count", "common", 0 } };
		Instant recent = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(3));
		List<String> batches = new ArrayList<>();
		for (int b = 0; b < 6; b++) {
			StringBuilder sql = new StringBuilder(
					"INSERT INTO staging_internal.prometheus_remote_write (time, tag_id, name, schema, value) VALUES ");
			for (int i = 0; i < 700; i++) {
				Object[] s = series[random.nextInt(series.length)];
				Instant at = i % 7 == 0 ? recent.plusMillis(random.nextInt(3 * 3_600_000))
						: T0.plusMillis((long) (random.nextDouble() * 3 * 86_400_000L));
				if (i % 3 == 0) {
					at = at.truncatedTo(ChronoUnit.MINUTES); // many samples on minute starts
				}
				sql.append(i == 0 ? "" : ", ").append("('").append(at).append("', ").append(s[0]).append(", '").append(s[1])
					.append("', '").append(s[2]).append("', ").append(decimal(random, (int) s[3])).append(')');
			}
			batches.add(sql.toString());
		}
		StringBuilder cumsum = new StringBuilder(
				"INSERT INTO staging_cumsum.prometheus_remote_write (time, tag_id, name, schema, value) VALUES ");
		for (int i = 0; i < 1500; i++) {
			Instant at = T0.plusMillis((long) (random.nextDouble() * 3 * 86_400_000L));
			cumsum.append(i == 0 ? "" : ", ").append("('").append(at).append("', 950, 'system_tcp_sent', 'cumsum', ")
				.append(decimal(random, 1)).append(')');
		}
		batches.add(cumsum.toString());
		java.util.Collections.shuffle(batches, random);
		for (String batch : batches) {
			update(c, batch);
		}
		// a repeated batch changes nothing
		update(c, batches.get(0));
	}

	static String decimal(Random random, int decimals) {
		return java.math.BigDecimal.valueOf(random.nextInt(100_000), decimals).toPlainString();
	}

	@Test
	void everyRangeFunctionAnswersLikeTheOriginalDefinitions() throws SQLException {
		compareRangeFunctions(new Random(SEED + 1), 40);
		assertTiersEqualTheirMinutes();
	}

	@Test
	void latestFunctionsAnswerLikeTheOriginalDefinitions() throws SQLException {
		for (String f : List.of("get_latest_circulating_supply", "get_latest_burned_supply", "get_latest_fdv",
				"get_latest_market_cap", "get_all_latest_token_metrics")) {
			for (String schema : List.of("testnet", "mainnet", "common", "devnet")) {
				same("SELECT * FROM %s." + f + "('" + schema + "')");
			}
		}
		for (String f : List.of("get_all_latest_mainnet_metrics", "get_all_latest_testnet_metrics",
				"get_all_latest_common_metrics", "get_all_latest_cumsum_metrics",
				"get_latest_mainnet_circulating_supply_value")) {
			same("SELECT * FROM %s." + f + "()");
		}
		assertThat(rows(c, "SELECT * FROM api.get_latest_fdv('testnet')")).hasSize(1);
		assertThat(rows(c, "SELECT table_name FROM api.get_all_latest_common_metrics()")).contains("node_count",
				"talib_mfx_power_conversion");
	}

	@Test
	void afterRetentionAndARepairTheAnswersStayTheSame() throws SQLException {
		try (Connection own = db.connect()) {
			// retention cuts a minute in two: its remaining raw rows must be read raw
			update(own, "DELETE FROM internal.prometheus_remote_write WHERE time < ?::timestamptz",
					T0.plus(Duration.ofHours(5)).plusMillis(17_500).toString());
			// a direct change of raw rows, then the documented repair of that range
			String from = T0.plus(Duration.ofHours(30)).toString();
			String to = T0.plus(Duration.ofHours(41)).toString();
			update(own, "UPDATE internal.prometheus_remote_write SET value = value + 1 WHERE time >= ?::timestamptz "
					+ "AND time < ?::timestamptz AND name = 'node_count'", from, to);
			update(own, "DELETE FROM internal.prometheus_remote_write WHERE time >= ?::timestamptz AND time < ?::timestamptz "
					+ "AND name = 'locked_tokens'", from, to);
			update(own, "DELETE FROM cumsum.prometheus_remote_write WHERE time >= ?::timestamptz AND time < ?::timestamptz",
					from, to);
			execute(own, "SELECT internal.rebuild_rollups(?::timestamptz, ?::timestamptz)", from, to);
		}
		compareRangeFunctions(new Random(SEED + 2), 25);
		assertTiersEqualTheirMinutes();
	}

	@Test
	void concurrentWritersOfTheSameHoursKeepTheTiersExact() throws Exception {
		Random random = new Random(SEED + 3);
		List<String> batches = new ArrayList<>();
		Instant hour = Instant.parse("2025-09-01T10:00:00Z");
		for (int b = 0; b < 16; b++) {
			StringBuilder sql = new StringBuilder(
					"INSERT INTO staging_internal.prometheus_remote_write (time, tag_id, name, schema, value) VALUES ");
			for (int i = 0; i < 50; i++) {
				// two hours, two series, values going down within minutes: the minute's last value drops
				Instant at = hour.plusMillis(random.nextInt(2 * 3_600_000));
				sql.append(i == 0 ? "" : ", ").append("('").append(at).append("', ").append(920 + b % 2)
					.append(", 'concurrent_gauge', 'common', ").append(random.nextInt(1000)).append(')');
			}
			batches.add(sql.toString());
		}
		List<CompletableFuture<Void>> writers = new ArrayList<>();
		for (int w = 0; w < 4; w++) {
			int first = w;
			writers.add(CompletableFuture.runAsync(() -> {
				try (Connection own = db.connect()) {
					for (int b = first; b < batches.size(); b += 4) {
						update(own, batches.get(b));
					}
				}
				catch (SQLException e) {
					throw new IllegalStateException(e);
				}
			}));
		}
		CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
		assertThat(rows(c, "SELECT count(*) FROM internal.metric_rollup_1h WHERE name = 'concurrent_gauge'"))
			.containsExactly("2");
		assertTiersEqualTheirMinutes();
		same("SELECT * FROM %s.get_agg_metric('concurrent_gauge', 'common', '1 hour', '2025-09-01', '2025-09-02')");
	}

	/** Random ranges and widths over the data, for every range function and (name, schema) written. */
	static void compareRangeFunctions(Random random, int ranges) throws SQLException {
		List<String> pairs = rows(c, "SELECT DISTINCT name || '|' || schema FROM internal.metric_rollup_1m ORDER BY 1");
		for (int i = 0; i < ranges; i++) {
			String width = WIDTHS.get(random.nextInt(WIDTHS.size()));
			Instant from = instant(random, T0.minus(Duration.ofHours(2)), Duration.ofDays(3));
			Instant to = i % 10 == 0 ? from.plus(Duration.ofDays(1)) : instant(random, from, Duration.ofDays(3));
			if (i % 17 == 0) {
				to = Instant.now().plus(Duration.ofDays(1));
			}
			String args = ", '" + width + "', '" + from + "', '" + to + "')";
			for (String pair : pairs) {
				String[] p = pair.split("\\|");
				same("SELECT * FROM %s.get_agg_metric('" + p[0] + "', '" + p[1] + "'" + args);
			}
			same("SELECT * FROM %s.get_agg_cumsum_metric('system_tcp_sent', 'cumsum'" + args);
			for (String schema : List.of("testnet", "mainnet")) {
				for (String f : List.of("get_agg_circulating_supply", "get_agg_burned_supply", "get_agg_fdv",
						"get_agg_market_cap")) {
					same("SELECT * FROM %s." + f + "('" + schema + "'" + args);
				}
			}
		}
	}

	/** A random instant in [start, start + span): a day, hour or minute start, or any millisecond. */
	static Instant instant(Random random, Instant start, Duration span) {
		Instant at = start.plusMillis((long) (random.nextDouble() * span.toMillis()));
		return switch (random.nextInt(4)) {
			case 0 -> at.truncatedTo(ChronoUnit.DAYS);
			case 1 -> at.truncatedTo(ChronoUnit.HOURS);
			case 2 -> at.truncatedTo(ChronoUnit.MINUTES);
			default -> at;
		};
	}

	/** The query (with %s for the schema) answers the same rows from api and from reference. */
	static void same(String query) throws SQLException {
		List<String> expected = rows(c, query.formatted("reference"));
		assertThat(rows(c, query.formatted("api"))).as(query.formatted("api")).isEqualTo(expected);
	}

	static void assertTiersEqualTheirMinutes() throws SQLException {
		String metricHours = """
				SELECT internal.time_bucket('1 hour', bucket), name, schema, max(max_supply), max(max_excluded_supply),
					max(max_amount), max(max_value), max(coalesce(max_supply, max_excluded_supply, max_amount, last_value))
				FROM internal.metric_rollup_1m GROUP BY 1, 2, 3""";
		assertThat(rows(c, "(SELECT * FROM internal.metric_rollup_1h EXCEPT " + metricHours + ") UNION ALL ("
				+ metricHours + " EXCEPT SELECT * FROM internal.metric_rollup_1h)")).isEmpty();
		String metricDays = """
				SELECT internal.time_bucket('1 day', bucket), name, schema, max(max_supply), max(max_excluded_supply),
					max(max_amount), max(max_value), max(coalesce(max_supply, max_excluded_supply, max_amount, last_value))
				FROM internal.metric_rollup_1m GROUP BY 1, 2, 3""";
		assertThat(rows(c, "(SELECT * FROM internal.metric_rollup_1d EXCEPT " + metricDays + ") UNION ALL ("
				+ metricDays + " EXCEPT SELECT * FROM internal.metric_rollup_1d)")).isEmpty();
		for (String width : List.of("hour", "day")) {
			String sums = "SELECT internal.time_bucket('1 " + width + "', bucket), name, schema, sum(sum_value) "
					+ "FROM cumsum.all_metrics_minute GROUP BY 1, 2, 3";
			String table = "cumsum.sum_rollup_1" + width.charAt(0);
			assertThat(rows(c, "(SELECT * FROM " + table + " EXCEPT " + sums + ") UNION ALL (" + sums
					+ " EXCEPT SELECT * FROM " + table + ")")).as(table).isEmpty();
		}
		assertThat(rows(c, "SELECT count(*) FROM internal.metric_rollup_1h")).doesNotContain("0");
	}

}
