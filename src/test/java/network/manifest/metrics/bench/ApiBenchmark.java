package network.manifest.metrics.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
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

	/**
	 * @param rows rows of one answer (HTTP), @param sqlRows rows of one answer (direct SQL), @param coding the
	 * {@code Content-Encoding} of the HTTP answers (null: none), @param httpCpu CPU time of the measured HTTP
	 * calls, @param sqlCpu of the measured direct-SQL calls
	 */
	record ShapeResult(Shape shape, LatencyStats http, LatencyStats sql, int rows, long sqlRows, String coding,
			CpuUse httpCpu, CpuUse sqlCpu, LatencyStats cached) {

		/** Calls per second answered from the result cache ÷ answered from the database, over HTTP. */
		double cachedSpeedUp() {
			return http.requestsPerSecond() == 0 ? 0 : cached.requestsPerSecond() / http.requestsPerSecond();
		}

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

		/**
		 * CPU time per call (the JVM and PostgreSQL together) over HTTP ÷ over direct SQL; -1 where unknown. While
		 * the callers keep every core busy, the ratio of mean latencies follows it.
		 */
		double cpuOverhead() {
			double h = httpCpu.jvmAndPostgresMillisPer(http.count());
			double q = sqlCpu.jvmAndPostgresMillisPer(sql.count());
			return h < 0 || q <= 0 ? -1 : h / q;
		}

	}

	/**
	 * @param loadRows rows loaded through the staging tables, @param load the loading run, @param freshness
	 * cached answers compared with the database while writes arrive
	 */
	record Result(long loadRows, int loadSeries, LatencyStats load, WarmUp.Outcome warmUp, List<ShapeResult> shapes,
			CacheFreshness.Result freshness) {
	}

	/** The shapes measured after a warm-up. */
	record Measured(WarmUp.Outcome warmUp, List<ShapeResult> shapes) {
	}

	private static final ObjectMapper JSON = new ObjectMapper();

	private static final int MAX_WARM_UP_ROUNDS = 40;

	/** Turns each path takes in the measured calls of a shape. */
	private static final int MEASURED_BLOCKS = 5;

	private final BenchmarkSettings settings;

	private final String base;

	private final TestDatabase.Database database;

	private final int port;

	ApiBenchmark(BenchmarkSettings settings, int port, TestDatabase.Database database) {
		this.settings = settings;
		this.port = port;
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
		// as before the ingest phases: autovacuum of the loaded rows would otherwise run during the first shapes
		// measured (it did, right after the warm-up), and dashboards read tables vacuumed long ago
		Tables.vacuum(database);
		Tables.checkpoint(database);
		Measured measured = measureShapes();
		CacheFreshness.Result freshness = new CacheFreshness(port, database).run(settings.apiMaxPerShape(),
				settings.apiConcurrency(), settings.acceptEncoding());
		return new Result(generator.samples(start, endMinute), generator.specs().size(), load, measured.warmUp(),
				measured.shapes(), freshness);
	}

	/** Every dashboard shape over the data loaded, ranges ending now. */
	Measured measureShapes() throws Exception {
		try (FloorConnections connections = new FloorConnections(database, settings.apiConcurrency(), c -> {
			try (Statement st = c.createStatement()) {
				st.execute("SET TimeZone = 'UTC'");
			}
		})) {
			List<Shape> shapes = shapes(Instant.now());
			WarmUp.Outcome warmUp = warmUp(shapes, connections);
			List<ShapeResult> results = new ArrayList<>();
			for (Shape shape : shapes) {
				results.add(measure(shape, connections));
			}
			return new Measured(warmUp, results);
		}
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

	/** Untimed rounds of every shape, mixed, over both paths, until the JIT compiler is quiet. */
	private WarmUp.Outcome warmUp(List<Shape> shapes, FloorConnections connections) throws Exception {
		List<URI> uris = shapes.stream().map(s -> URI.create(base + s.query())).toList();
		int calls = settings.apiRequests();
		return WarmUp.untilCompilerQuiet(MAX_WARM_UP_ROUNDS, round -> {
			Workers.run(settings.apiConcurrency(), calls, Long.MAX_VALUE,
					() -> i -> BlockingHttp.get(uris.get(i % uris.size()), settings.acceptEncoding()));
			Workers.run(settings.apiConcurrency(), calls, Long.MAX_VALUE, () -> new MixedSqlCalls(shapes, connections));
		});
	}

	/** Direct-SQL calls of every shape in turn, on one floor connection. */
	private final class MixedSqlCalls implements Workers.Job, AutoCloseable {

		private final FloorConnections connections;

		private final Connection connection;

		private final List<SqlCall> calls = new ArrayList<>();

		MixedSqlCalls(List<Shape> shapes, FloorConnections connections) throws InterruptedException, SQLException {
			this.connections = connections;
			this.connection = connections.take();
			for (Shape shape : shapes) {
				calls.add(new SqlCall(shape, connection, null));
			}
		}

		@Override
		public void run(int index) throws SQLException {
			calls.get(index % calls.size()).call();
		}

		@Override
		public void close() throws SQLException {
			for (SqlCall call : calls) {
				call.close();
			}
			connections.giveBack(connection);
		}

	}

	private ShapeResult measure(Shape shape, FloorConnections connections) throws Exception {
		URI uri = URI.create(base + shape.query());
		// one call each to count the rows of an answer
		BlockingHttp.Answer first = BlockingHttp.get(uri, settings.acceptEncoding());
		int rows = JSON.readTree(first.body()).size();
		long sqlRows;
		try (SqlCall call = new SqlCall(shape, connections)) {
			sqlRows = call.call();
		}
		long limit = settings.apiMaxPerShape().toNanos();
		// untimed rounds at the measured concurrency first: both paths reach steady state (JIT-compiled
		// server and client code, warm pools and plan caches) before their latencies are compared
		Workers.run(settings.apiConcurrency(), settings.apiRequests(), limit,
				() -> i -> BlockingHttp.get(uri, settings.acceptEncoding()));
		Workers.run(settings.apiConcurrency(), settings.apiRequests(), limit, () -> new SqlCall(shape, connections));
		// The measured calls run in blocks, the two paths taking turns (HTTP, SQL, SQL, HTTP, HTTP, ...), so
		// that both see the same phases of a machine whose speed drifts: one long run of each path compared
		// the first half of a minute with the second.
		int blocks = measuredBlocks(settings);
		List<LatencyStats> overHttp = new ArrayList<>();
		List<LatencyStats> direct = new ArrayList<>();
		CpuUse httpCpu = CpuUse.NONE;
		CpuUse sqlCpu = CpuUse.NONE;
		for (int b = 0; b < blocks; b++) {
			// the calls split as evenly as they go: the first blocks take one more each
			int perBlock = settings.apiRequests() / blocks + (b < settings.apiRequests() % blocks ? 1 : 0);
			for (int turn = 0; turn < 2; turn++) {
				boolean http = (turn == 0) == (b % 2 == 0);
				CpuUse c0 = CpuUse.now();
				if (http) {
					overHttp.add(Workers.run(settings.apiConcurrency(), perBlock, limit / blocks,
							() -> i -> BlockingHttp.get(uri, settings.acceptEncoding())));
					httpCpu = httpCpu.plus(CpuUse.now().since(c0));
				}
				else {
					direct.add(Workers.run(settings.apiConcurrency(), perBlock, limit / blocks,
							() -> new SqlCall(shape, connections)));
					sqlCpu = sqlCpu.plus(CpuUse.now().since(c0));
				}
			}
		}
		// the same call answered from the result cache: one call fills it, then the measured ones
		BlockingHttp.getCached(uri, settings.acceptEncoding());
		Workers.run(settings.apiConcurrency(), settings.apiRequests(), limit,
				() -> i -> BlockingHttp.getCached(uri, settings.acceptEncoding()));
		LatencyStats cached = Workers.run(settings.apiConcurrency(), settings.apiRequests(), limit,
				() -> i -> BlockingHttp.getCached(uri, settings.acceptEncoding()));
		return new ShapeResult(shape, LatencyStats.combined(overHttp), LatencyStats.combined(direct), rows, sqlRows,
				first.coding(), httpCpu, sqlCpu, cached);
	}

	static int measuredBlocks(BenchmarkSettings settings) {
		return Math.max(1, Math.min(MEASURED_BLOCKS, settings.apiRequests()));
	}

	/**
	 * The floor: the /rpc statement over JDBC, autocommit, UTC like the service, on connections that stay
	 * open from the untimed rounds to the measured ones (as the service's pooled connections do).
	 */
	private final class SqlCall implements Workers.Job, AutoCloseable {

		private final Connection connection;

		/** Where the connection goes back on close; null when the caller keeps it. */
		private final FloorConnections owner;

		private final PreparedStatement statement;

		SqlCall(Shape shape, FloorConnections connections) throws InterruptedException, SQLException {
			this(shape, connections.take(), connections);
		}

		SqlCall(Shape shape, Connection connection, FloorConnections owner) throws SQLException {
			this.connection = connection;
			this.owner = owner;
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

		/** Closes the statement; the connection goes back for the next round. */
		@Override
		public void close() throws SQLException {
			statement.close();
			if (owner != null) {
				owner.giveBack(connection);
			}
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

}
