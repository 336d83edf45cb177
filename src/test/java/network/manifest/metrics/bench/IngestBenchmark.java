package network.manifest.metrics.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import network.manifest.metrics.support.TestDatabase;

/**
 * The ingest part: a long range of acceptance-shaped traffic sent to {@code POST /write} by concurrent
 * clients; the identical rows loaded with plain COPY into scratch copies of the raw tables (same indexes,
 * no dedupe, no rollups, one transaction per request as well); then the same traffic replayed (all
 * duplicates).
 */
final class IngestBenchmark {

	/** Scratch copies of the raw tables for the COPY floor. */
	private static final String FLOOR_SCHEMA = "bench_floor";

	/**
	 * @param samples samples sent (= rows the service must store)
	 * @param requests remote-write requests per pass
	 * @param bodyBytes compressed bytes sent per pass
	 * @param fresh the first pass (all rows new)
	 * @param rawRows rows the first pass added to the raw tables
	 * @param rollupRows rows the first pass added to the rollup tables
	 * @param floor the COPY floor
	 * @param floorRows rows COPY stored
	 * @param replay the second pass (all duplicates)
	 * @param replayNewRows rows the replay added to the raw tables
	 */
	record Result(long samples, int requests, long bodyBytes, LatencyStats fresh, long rawRows, long rollupRows,
			LatencyStats floor, long floorRows, LatencyStats replay, long replayNewRows) {

		double freshSamplesPerSecond() {
			return fresh.perSecond(samples);
		}

		double floorSamplesPerSecond() {
			return floor.perSecond(floorRows);
		}

		double replaySamplesPerSecond() {
			return replay.perSecond(samples);
		}

	}

	private final BenchmarkSettings settings;

	private final URI write;

	private final TestDatabase.Database database;

	private final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(10))
		.build();

	IngestBenchmark(BenchmarkSettings settings, int port, TestDatabase.Database database) {
		this.settings = settings;
		this.write = URI.create("http://127.0.0.1:" + port + "/write");
		this.database = database;
	}

	Result run(long endMinute) throws Exception {
		TrafficGenerator generator = new TrafficGenerator(TrafficGenerator.acceptanceShaped(settings.series()),
				settings.bigLabelEveryMinutes());
		long start = endMinute - settings.ingestMinutes();
		List<long[]> windows = new ArrayList<>();
		for (long from = start; from < endMinute; from += settings.pointsPerSeries()) {
			windows.add(new long[] { from, Math.min(endMinute, from + settings.pointsPerSeries()) });
		}
		// Bodies are encoded before the clock starts, so the clients measure the service, not the encoder.
		List<byte[]> bodies = new ArrayList<>(windows.size());
		long bodyBytes = 0;
		for (long[] w : windows) {
			byte[] body = RemoteWriteBody.snappy(generator.window(w[0], w[1]));
			bodies.add(body);
			bodyBytes += body.length;
		}
		long samples = generator.samples(start, endMinute);

		// Untimed warm-up over the range just before the measured one, so that the service's code is
		// JIT-compiled and its connections are open when the clock starts (the floor runs later, warm too).
		List<byte[]> warmup = new ArrayList<>();
		for (int i = 0; i < Math.max(1, windows.size() / 10); i++) {
			long to = start - (long) i * settings.pointsPerSeries();
			warmup.add(RemoteWriteBody.snappy(generator.window(to - settings.pointsPerSeries(), to)));
		}
		send(warmup);

		long rawBefore = Tables.rawRows(database);
		long rollupBefore = Tables.rollupRows(database);
		LatencyStats fresh = send(bodies);
		long rawAfter = Tables.rawRows(database);
		long rollupAfter = Tables.rollupRows(database);

		createFloorTables();
		LatencyStats floor = Workers.run(settings.clients(), windows.size(), Long.MAX_VALUE,
				() -> new FloorCopy(generator, windows));
		long floorRows = Tables.count(database, FLOOR_SCHEMA + ".internal_rows") + Tables.count(database, FLOOR_SCHEMA + ".cumsum_rows");
		dropFloorTables();

		LatencyStats replay = send(bodies);
		long rawReplayed = Tables.rawRows(database);
		return new Result(samples, bodies.size(), bodyBytes, fresh, rawAfter - rawBefore, rollupAfter - rollupBefore,
				floor, floorRows, replay, rawReplayed - rawAfter);
	}

	private LatencyStats send(List<byte[]> bodies) throws Exception {
		return Workers.run(settings.clients(), bodies.size(), i -> post(bodies.get(i)));
	}

	private void post(byte[] body) throws IOException, InterruptedException {
		HttpRequest request = HttpRequest.newBuilder(write)
			.timeout(Duration.ofMinutes(5))
			.header("Content-Type", "application/x-protobuf")
			.header("Content-Encoding", "snappy")
			.header("X-Prometheus-Remote-Write-Version", "0.1.0")
			.POST(HttpRequest.BodyPublishers.ofByteArray(body))
			.build();
		HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
		if (response.statusCode() != 204) {
			throw new IllegalStateException("POST /write answered " + response.statusCode() + ": " + response.body());
		}
	}

	/** A floor client: its own connection, one transaction per request window, rows encoded as it goes. */
	private final class FloorCopy implements Workers.Job, AutoCloseable {

		private final TrafficGenerator generator;

		private final List<long[]> windows;

		private final Connection connection;

		FloorCopy(TrafficGenerator generator, List<long[]> windows) throws SQLException {
			this.generator = generator;
			this.windows = windows;
			this.connection = database.connect();
			this.connection.setAutoCommit(false);
		}

		@Override
		public void run(int index) throws SQLException {
			long[] window = windows.get(index);
			CopyText.of(generator.window(window[0], window[1]))
				.copySamples(connection, FLOOR_SCHEMA + ".internal_rows", FLOOR_SCHEMA + ".cumsum_rows");
			connection.commit();
		}

		@Override
		public void close() throws SQLException {
			connection.close();
		}

	}

	private void createFloorTables() throws SQLException {
		try (Connection c = database.connect(); Statement st = c.createStatement()) {
			st.execute("DROP SCHEMA IF EXISTS " + FLOOR_SCHEMA + " CASCADE");
			st.execute("CREATE SCHEMA " + FLOOR_SCHEMA);
			st.execute("CREATE TABLE " + FLOOR_SCHEMA + ".internal_rows (LIKE internal.prometheus_remote_write INCLUDING INDEXES)");
			st.execute("CREATE TABLE " + FLOOR_SCHEMA + ".cumsum_rows (LIKE cumsum.prometheus_remote_write INCLUDING INDEXES)");
		}
	}

	private void dropFloorTables() throws SQLException {
		try (Connection c = database.connect(); Statement st = c.createStatement()) {
			st.execute("DROP SCHEMA " + FLOOR_SCHEMA + " CASCADE");
		}
	}

}
