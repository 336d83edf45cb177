package network.manifest.metrics.bench;

import java.io.IOException;
import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;

import network.manifest.metrics.support.TestDatabase;

/**
 * The ingest part: a long range of acceptance-shaped traffic sent to {@code POST /write} by concurrent
 * clients; the identical rows loaded with plain COPY into scratch copies of the raw tables (same indexes,
 * no dedupe, no rollups, one transaction per request as well), the two paths taking turns; then the same
 * traffic replayed (all duplicates).
 */
final class IngestBenchmark {

	/** Scratch copies of the raw tables for the COPY floor. */
	private static final String FLOOR_SCHEMA = "bench_floor";

	/** Warm-up rounds over new ranges: each adds a tenth of the measured run's rows to the tables. */
	static final int FRESH_WARM_UP_ROUNDS = 10;

	/** Blocks per ingest path, measured in turns with the other path's. */
	private static final int MEASURED_BLOCKS = 4;

	/** Blocks each ingest path is measured in: {@link #MEASURED_BLOCKS}, fewer for a run of fewer requests. */
	static int measuredBlocks(int requests) {
		return Math.min(MEASURED_BLOCKS, requests);
	}

	/** One-minute warm-up requests per measured request, after the rounds (see where they are sent). */
	private static final int PER_REQUEST_WARM_UP = 10;

	/** Later rounds send the fresh rounds' requests again (duplicates: the same service code, no new rows). */
	private static final int MAX_WARM_UP_ROUNDS = 60;


	/**
	 * @param samples samples sent (= rows the service must store)
	 * @param requests remote-write requests per pass
	 * @param bodyBytes compressed bytes sent per pass
	 * @param warmUp the untimed warm-up rounds
	 * @param warmUpRequests requests sent by them
	 * @param fresh the first pass (all rows new), its blocks together
	 * @param freshCpu CPU time of the first pass's blocks
	 * @param freshWal bytes of WAL written during the first pass's blocks
	 * @param rawRows rows the first pass added to the raw tables
	 * @param rollupRows rows the first pass added to the rollup tables
	 * @param floor the COPY floor, its blocks together
	 * @param floorCpu CPU time of the COPY floor's blocks
	 * @param floorWal bytes of WAL written during the COPY floor's blocks
	 * @param floorRows rows COPY stored
	 * @param replay the second pass (all duplicates)
	 * @param replayNewRows rows the replay added to the raw tables
	 */
	record Result(long samples, int requests, long bodyBytes, WarmUp.Outcome warmUp, int warmUpRequests,
			LatencyStats fresh, CpuUse freshCpu, long freshWal, long rawRows, long rollupRows, LatencyStats floor,
			CpuUse floorCpu, long floorWal, long floorRows, LatencyStats replay, long replayNewRows) {

		double freshSamplesPerSecond() {
			return fresh.perSecond(samples);
		}

		double floorSamplesPerSecond() {
			return floor.perSecond(floorRows);
		}

		int measuredBlocks() {
			return IngestBenchmark.measuredBlocks(requests);
		}

		double replaySamplesPerSecond() {
			return replay.perSecond(samples);
		}

	}

	private final BenchmarkSettings settings;

	private final URI write;

	private final TestDatabase.Database database;

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

		// Untimed warm-up rounds over the ranges just before the measured one (a tenth as many requests
		// each), until the JIT compiler is quiet, so that the service's code is compiled and its
		// connections are open when the clock starts. After the fresh rounds, rounds resend earlier ones:
		// the service runs the same code for them, and the tables do not grow further. The floor's clients
		// warm up on the fresh rounds' windows.
		int perRound = Math.max(1, windows.size() / 10);
		List<long[]> warmUpWindows = new ArrayList<>();
		List<List<byte[]>> freshRounds = new ArrayList<>();
		int[] warmUpRequests = { 0 };
		WarmUp.Outcome warmUp = WarmUp.untilCompilerQuiet(MAX_WARM_UP_ROUNDS, round -> {
			if (round >= FRESH_WARM_UP_ROUNDS) {
				List<byte[]> again = freshRounds.get(round % FRESH_WARM_UP_ROUNDS);
				send(again);
				warmUpRequests[0] += again.size();
				return;
			}
			List<byte[]> warmUpBodies = new ArrayList<>();
			for (int i = 0; i < perRound; i++) {
				long to = start - (long) (round * perRound + i) * settings.pointsPerSeries();
				long[] w = { to - settings.pointsPerSeries(), to };
				warmUpWindows.add(w);
				warmUpBodies.add(RemoteWriteBody.snappy(generator.window(w[0], w[1])));
			}
			freshRounds.add(warmUpBodies);
			send(warmUpBodies);
			warmUpRequests[0] += warmUpBodies.size();
		});
		// Code that runs once per request (Tomcat, the controller, the transaction, pgjdbc, the client) has run
		// only some hundred times by now, short of the JIT's last tier, and would be compiled during the
		// measured run. Small requests of one stored minute (duplicates: no new rows) take it there.
		long[] first = warmUpWindows.get(0);
		byte[] oneMinute = RemoteWriteBody.snappy(generator.window(first[0], first[0] + 1));
		int perRequestWarmUp = PER_REQUEST_WARM_UP * bodies.size();
		send(Collections.nCopies(perRequestWarmUp, oneMinute));
		warmUpRequests[0] += perRequestWarmUp;

		// The service and the floor take turns, block by block (service, floor, floor, service, ...), so that
		// a drift in the machine's speed falls on both alike, as in the API part.
		Tables.createFloorTables(database, FLOOR_SCHEMA);
		Turns service = new Turns();
		Turns floor = new Turns();
		long rawBefore = Tables.rawRows(database);
		long rollupBefore = Tables.rollupRows(database);
		long floorBefore;
		try (FloorConnections connections = new FloorConnections(database, settings.clients(),
				c -> c.setAutoCommit(false))) {
			Workers.run(settings.clients(), warmUpWindows.size(), Long.MAX_VALUE, () -> new FloorCopy(generator, warmUpWindows, connections));
			floorBefore = floorRows();
			int blocks = measuredBlocks(windows.size());
			for (int b = 0; b < blocks; b++) {
				int from = b * windows.size() / blocks;
				int to = (b + 1) * windows.size() / blocks;
				Callable<LatencyStats> serviceBlock = () -> send(bodies.subList(from, to));
				Callable<LatencyStats> floorBlock = () -> Workers.run(settings.clients(), to - from, Long.MAX_VALUE,
						() -> new FloorCopy(generator, windows.subList(from, to), connections));
				if (b % 2 == 0) {
					service.measure(serviceBlock);
					floor.measure(floorBlock);
				}
				else {
					floor.measure(floorBlock);
					service.measure(serviceBlock);
				}
			}
		}
		long rawAfter = Tables.rawRows(database);
		long rollupAfter = Tables.rollupRows(database);
		long floorRows = floorRows() - floorBefore;
		Tables.dropFloorTables(database, FLOOR_SCHEMA);

		Tables.vacuum(database);
		LatencyStats replay = send(bodies);
		long rawReplayed = Tables.rawRows(database);
		return new Result(samples, bodies.size(), bodyBytes, warmUp, warmUpRequests[0], service.latencies(),
				service.cpu, service.wal, rawAfter - rawBefore, rollupAfter - rollupBefore, floor.latencies(), floor.cpu,
				floor.wal, floorRows, replay, rawReplayed - rawAfter);
	}

	/**
	 * One ingest path's measured blocks: their latencies, CPU time and WAL added up. Each block starts after
	 * {@code VACUUM (ANALYZE)}, so that none pays for the autovacuum of the rows the block before wrote.
	 */
	private final class Turns {

		private final List<LatencyStats> blocks = new ArrayList<>();

		private CpuUse cpu = CpuUse.NONE;

		private long wal;

		void measure(Callable<LatencyStats> block) throws Exception {
			Tables.vacuum(database);
			long w0 = Tables.walPosition(database);
			CpuUse c0 = CpuUse.now();
			blocks.add(block.call());
			cpu = cpu.plus(CpuUse.now().since(c0));
			wal += Tables.walPosition(database) - w0;
		}

		LatencyStats latencies() {
			return LatencyStats.combined(blocks);
		}

	}

	private LatencyStats send(List<byte[]> bodies) throws Exception {
		return Workers.run(settings.clients(), bodies.size(), i -> post(bodies.get(i)));
	}

	private void post(byte[] body) throws IOException {
		BlockingHttp.post(write, RemoteWriteBody.HEADERS, body, 204);
	}

	/**
	 * A floor client: one of the floor's connections (open from the warm-up to the end of the measured
	 * run), one transaction per request window, rows encoded as it goes.
	 */
	private final class FloorCopy implements Workers.Job, AutoCloseable {

		private final TrafficGenerator generator;

		private final List<long[]> windows;

		private final FloorConnections connections;

		private final Connection connection;

		FloorCopy(TrafficGenerator generator, List<long[]> windows, FloorConnections connections)
				throws InterruptedException {
			this.generator = generator;
			this.windows = windows;
			this.connections = connections;
			this.connection = connections.take();
		}

		@Override
		public void run(int index) throws SQLException {
			long[] window = windows.get(index);
			CopyText.of(generator.window(window[0], window[1]))
				.copySamples(connection, FLOOR_SCHEMA + ".internal_rows", FLOOR_SCHEMA + ".cumsum_rows");
			connection.commit();
		}

		@Override
		public void close() {
			connections.giveBack(connection);
		}

	}

	private long floorRows() throws SQLException {
		return Tables.count(database, FLOOR_SCHEMA + ".internal_rows") + Tables.count(database, FLOOR_SCHEMA + ".cumsum_rows");
	}


}
