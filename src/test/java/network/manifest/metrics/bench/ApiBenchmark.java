package network.manifest.metrics.bench;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.zip.GZIPInputStream;

import com.fasterxml.jackson.databind.ObjectMapper;

import network.manifest.metrics.support.TestDatabase;

/**
 * The API part: the dashboard series loaded for a long range (default one year of 1-minute samples)
 * through the staging tables with COPY, then each dashboard query shape called over HTTP with a fixed
 * concurrency, and the same SQL the HTTP layer issues run directly over JDBC (the floor).
 */
final class ApiBenchmark {

	/**
	 * One dashboard call.
	 *
	 * @param label how the results table names it
	 * @param function the api function
	 * @param arguments name → (SQL type, value), in call order
	 * @param columns the function's result columns
	 * @param heavy a long-range shape (the HTTP-overhead target applies to these)
	 */
	record Shape(String label, String function, Map<String, String[]> arguments, List<String> columns, boolean heavy) {

		String query() {
			StringJoiner q = new StringJoiner("&", "?", "").setEmptyValue("");
			arguments.forEach((name, typed) -> q
				.add(name + "=" + URLEncoder.encode(typed[1], StandardCharsets.UTF_8).replace("+", "%20")));
			return "/rpc/" + function + q;
		}

		/** The statement the /rpc layer runs for a set-returning call rendered as JSON. */
		String sql() {
			StringJoiner args = new StringJoiner(", ", "(", ")");
			arguments.forEach((name, typed) -> args.add('"' + name + "\" := ?::" + typed[0]));
			StringJoiner cols = new StringJoiner(", ", "(", ")");
			columns.forEach(c -> cols.add('"' + c + '"'));
			return "select coalesce(json_agg(_r), '[]')::text, count(*) from (select _c.* from \"api\".\"" + function
					+ "\"" + args + " as _c" + cols + ") _r";
		}

	}

	/** @param rows rows of one answer (HTTP), @param sqlRows rows of one answer (direct SQL) */
	record ShapeResult(Shape shape, LatencyStats http, LatencyStats sql, int rows, long sqlRows) {

		double overhead() {
			return sql.p50() == 0 ? 0 : http.p50() / sql.p50();
		}

		/**
		 * The same ratio of mean latencies (with a fixed concurrency, the inverse ratio of the throughputs):
		 * unlike the p50, it does not depend on how evenly the operating system shares the cores.
		 */
		double meanOverhead() {
			return http.requestsPerSecond() == 0 ? 0 : sql.requestsPerSecond() / http.requestsPerSecond();
		}

	}

	/** @param loadRows rows loaded through the staging tables, @param load the loading run */
	record Result(long loadRows, int loadSeries, LatencyStats load, List<ShapeResult> shapes) {
	}

	private static final ObjectMapper JSON = new ObjectMapper();

	private final BenchmarkSettings settings;

	private final String base;

	private final TestDatabase.Database database;

	private final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(10))
		.build();

	ApiBenchmark(BenchmarkSettings settings, int port, TestDatabase.Database database) {
		this.settings = settings;
		this.base = "http://127.0.0.1:" + port;
		this.database = database;
	}

	Result run(long endMinute) throws Exception {
		TrafficGenerator generator = new TrafficGenerator(TrafficGenerator.dashboardSeries(),
				BenchmarkSettings.DAY_MINUTES);
		long start = endMinute - settings.apiMinutes();
		List<long[]> chunks = new ArrayList<>();
		for (long from = start; from < endMinute; from += BenchmarkSettings.DAY_MINUTES) {
			chunks.add(new long[] { from, Math.min(endMinute, from + BenchmarkSettings.DAY_MINUTES) });
		}
		LatencyStats load = Workers.run(settings.loadThreads(), chunks.size(), Long.MAX_VALUE,
				() -> new StagingLoad(generator, chunks));
		analyze();

		List<ShapeResult> results = new ArrayList<>();
		for (Shape shape : shapes(Instant.now())) {
			results.add(measure(shape));
		}
		return new Result(generator.samples(start, endMinute), generator.specs().size(), load, results);
	}

	static List<Shape> shapes(Instant now) {
		String to = now.toString();
		String day = now.minus(Duration.ofDays(1)).toString();
		String month = now.minus(Duration.ofDays(30)).toString();
		String year = now.minus(Duration.ofDays(365)).toString();
		List<String> series = List.of("timestamp", "value");
		List<Shape> shapes = new ArrayList<>();
		shapes.add(new Shape("get_agg_metric, 1 day at 1 minute", "get_agg_metric",
				metric("manifest_tokenomics_total_supply", "mainnet", "1 minute", day, to), series, false));
		shapes.add(new Shape("get_agg_metric, 30 days at 1 hour", "get_agg_metric",
				metric("manifest_tokenomics_total_supply", "mainnet", "1 hour", month, to), series, true));
		shapes.add(new Shape("get_agg_metric, 1 year at 1 day", "get_agg_metric",
				metric("manifest_tokenomics_total_supply", "mainnet", "1 day", year, to), series, true));
		shapes.add(new Shape("get_agg_cumsum_metric, 30 days at 1 hour", "get_agg_cumsum_metric",
				metric("system_tcp_sent", "cumsum", "1 hour", month, to), series, true));
		shapes.add(new Shape("get_agg_circulating_supply, 1 year at 1 day", "get_agg_circulating_supply",
				tier("mainnet", "1 day", year, to), series, true));
		shapes.add(new Shape("get_agg_market_cap, 1 year at 1 day", "get_agg_market_cap",
				tier("mainnet", "1 day", year, to), series, true));
		shapes.add(new Shape("get_all_latest_mainnet_metrics", "get_all_latest_mainnet_metrics", Map.of(),
				List.of("timestamp", "table_name", "value"), false));
		Map<String, String[]> schema = new LinkedHashMap<>();
		schema.put("p_schema", new String[] { "text", "mainnet" });
		shapes.add(new Shape("get_latest_fdv", "get_latest_fdv", schema, series, false));
		return shapes;
	}

	private static Map<String, String[]> metric(String name, String schema, String interval, String from, String to) {
		Map<String, String[]> args = new LinkedHashMap<>();
		args.put("p_metric_name", new String[] { "text", name });
		args.putAll(tier(schema, interval, from, to));
		return args;
	}

	private static Map<String, String[]> tier(String schema, String interval, String from, String to) {
		Map<String, String[]> args = new LinkedHashMap<>();
		args.put("p_schema", new String[] { "text", schema });
		args.put("p_interval", new String[] { "interval", interval });
		args.put("p_from", new String[] { "timestamptz", from });
		args.put("p_to", new String[] { "timestamptz", to });
		return args;
	}

	private ShapeResult measure(Shape shape) throws Exception {
		URI uri = URI.create(base + shape.query());
		// one call each to count the rows of an answer
		int rows = JSON.readTree(get(uri)).size();
		long sqlRows;
		try (SqlCall call = new SqlCall(shape)) {
			sqlRows = call.call();
		}
		long limit = settings.apiMaxPerShape().toNanos();
		// untimed rounds at the measured concurrency first: both paths reach steady state (JIT-compiled
		// server and client code, warm pools and plan caches) before their latencies are compared
		Workers.run(settings.apiConcurrency(), settings.apiRequests(), limit, () -> i -> get(uri));
		Workers.run(settings.apiConcurrency(), settings.apiRequests(), limit, () -> new SqlCall(shape));
		LatencyStats overHttp = Workers.run(settings.apiConcurrency(), settings.apiRequests(), limit,
				() -> i -> get(uri));
		LatencyStats direct = Workers.run(settings.apiConcurrency(), settings.apiRequests(), limit,
				() -> new SqlCall(shape));
		return new ShapeResult(shape, overHttp, direct, rows, sqlRows);
	}

	/** GET as a dashboard does (gzip accepted); the decoded body. */
	private byte[] get(URI uri) throws IOException, InterruptedException {
		HttpRequest request = HttpRequest.newBuilder(uri)
			.timeout(Duration.ofMinutes(2))
			.header("Accept", "application/json")
			.header("Accept-Encoding", "gzip")
			.GET()
			.build();
		HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
		byte[] body = response.body();
		if ("gzip".equals(response.headers().firstValue("Content-Encoding").orElse(null))) {
			try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
				body = in.readAllBytes();
			}
		}
		if (response.statusCode() != 200) {
			throw new IllegalStateException("GET " + uri + " answered " + response.statusCode() + ": "
					+ new String(body, StandardCharsets.UTF_8));
		}
		return body;
	}

	/** The floor: the /rpc statement on a connection of its own, autocommit, UTC like the service. */
	private final class SqlCall implements Workers.Job, AutoCloseable {

		private final Connection connection;

		private final PreparedStatement statement;

		SqlCall(Shape shape) throws SQLException {
			connection = database.connect();
			try (Statement st = connection.createStatement()) {
				st.execute("SET TimeZone = 'UTC'");
			}
			statement = connection.prepareStatement(shape.sql());
			int i = 1;
			for (String[] typed : shape.arguments().values()) {
				statement.setString(i++, typed[1]);
			}
		}

		long call() throws SQLException {
			try (ResultSet rs = statement.executeQuery()) {
				rs.next();
				rs.getString(1);
				return rs.getLong(2);
			}
		}

		@Override
		public void run(int index) throws SQLException {
			call();
		}

		@Override
		public void close() throws SQLException {
			connection.close();
		}

	}

	/** A loader: its own connection; one transaction per day of data, tags before samples. */
	private final class StagingLoad implements Workers.Job, AutoCloseable {

		private final TrafficGenerator generator;

		private final List<long[]> chunks;

		private final Connection connection;

		StagingLoad(TrafficGenerator generator, List<long[]> chunks) throws SQLException {
			this.generator = generator;
			this.chunks = chunks;
			this.connection = database.connect();
			this.connection.setAutoCommit(false);
		}

		@Override
		public void run(int index) throws SQLException {
			long[] chunk = chunks.get(index);
			CopyText rows = CopyText.of(generator.window(chunk[0], chunk[1]));
			rows.copyTags(connection, "staging_internal.prometheus_remote_write_tag",
					"staging_cumsum.prometheus_remote_write_tag");
			rows.copySamples(connection, "staging_internal.prometheus_remote_write",
					"staging_cumsum.prometheus_remote_write");
			connection.commit();
		}

		@Override
		public void close() throws SQLException {
			connection.close();
		}

	}

	private void analyze() throws SQLException {
		try (Connection c = database.connect(); Statement st = c.createStatement()) {
			st.execute("ANALYZE");
		}
	}

}
