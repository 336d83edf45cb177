package network.manifest.metrics.bench;

import java.net.URI;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import network.manifest.metrics.bench.TrafficGenerator.Series;
import network.manifest.metrics.bench.TrafficGenerator.SeriesSpec;
import network.manifest.metrics.support.TestDatabase;

/**
 * What {@code vmalert -replay} sends for a year of hourly rules: ONE remote-write request holding every
 * point of every series (full size: 150 acceptance-shaped series, a year of hourly points, plus a week of
 * 15-minute points of the same series under other names). Timed on empty tables: the first request, the
 * same body again (every sample a duplicate), and, tables emptied again, five copies sent at once (a
 * sender's retries); beside the COPY floor of the same rows into scratch copies of the raw tables.
 */
final class ReplayBenchmark {

	static final int COPIES = 5;

	private static final long HOUR_MINUTES = 60;

	private static final long WEEK_MINUTES = 7 * BenchmarkSettings.DAY_MINUTES;


	private static final String FLOOR_SCHEMA = "bench_replay_floor";

	/**
	 * @param samples samples in the request, @param series time series in it, @param bodyBytes its snappy size,
	 * @param firstMillis the first request on empty tables, @param resendMillis the same body again,
	 * @param copiesMillis five copies at once on empty tables (the slowest answer), @param copiesStatuses their
	 * statuses, @param rowsStored raw rows after the copies, @param floorMillis COPY of the same rows
	 */
	record Result(long samples, int series, long bodyBytes, double firstMillis, double resendMillis,
			double copiesMillis, List<Integer> copiesStatuses, long rowsStored, double floorMillis) {

		double samplesPerSecond() {
			return samples / (firstMillis / 1000);
		}

		double floorSamplesPerSecond() {
			return samples / (floorMillis / 1000);
		}

	}

	private final TestDatabase.Database database;

	private final URI write;

	private final BenchmarkSettings settings;

	ReplayBenchmark(BenchmarkSettings settings, int port, TestDatabase.Database database) {
		this.settings = settings;
		this.database = database;
		this.write = URI.create("http://127.0.0.1:" + port + "/write");
	}

	Result run(long endMinute) throws Exception {
		List<Series> series = replayShaped(settings.replaySeries(), settings.replayMinutes(), endMinute);
		long samples = series.stream().mapToLong(Series::samples).sum();
		byte[] body = RemoteWriteBody.snappy(series);

		Tables.truncateData(database);
		double first = timed(() -> BlockingHttp.post(write, RemoteWriteBody.HEADERS, body, 204));
		double resend = timed(() -> BlockingHttp.post(write, RemoteWriteBody.HEADERS, body, 204));

		Tables.truncateData(database);
		Tables.vacuum(database);
		List<Integer> statuses = new ArrayList<>();
		double copies = timed(() -> {
			List<CompletableFuture<Integer>> sent = new ArrayList<>();
			for (int i = 0; i < COPIES; i++) {
				sent.add(CompletableFuture.supplyAsync(() -> {
					try {
						BlockingHttp.post(write, RemoteWriteBody.HEADERS, body, 204);
						return 204;
					}
					catch (Exception e) {
						return -1;
					}
				}));
			}
			for (CompletableFuture<Integer> s : sent) {
				statuses.add(s.get(10, TimeUnit.MINUTES));
			}
		});
		long stored = Tables.rawRows(database);

		double floor = floor(series);
		Tables.truncateData(database);
		return new Result(samples, series.size(), body.length, first, resend, copies, statuses, stored, floor);
	}

	/** The request's series: hourly points for a year, 15-minute points for a week (names suffixed _15m). */
	static List<Series> replayShaped(int seriesCount, long minutes, long endMinute) {
		TrafficGenerator generator = new TrafficGenerator(TrafficGenerator.acceptanceShaped(seriesCount),
				BenchmarkSettings.DAY_MINUTES);
		List<Series> out = new ArrayList<>(generator.points(endMinute - minutes, endMinute, HOUR_MINUTES));
		for (Series s : new TrafficGenerator(suffixed(generator.specs()), BenchmarkSettings.DAY_MINUTES)
			.points(endMinute - WEEK_MINUTES, endMinute, 15)) {
			out.add(s);
		}
		return out;
	}

	private static List<SeriesSpec> suffixed(List<SeriesSpec> specs) {
		return specs.stream()
			.map(s -> new SeriesSpec(s.id() + 100_000, s.name() + "_15m", s.labels(), s.schema(), s.cumsum(), s.values(),
					s.base(), s.bigLabel(), s.bigBase(), s.bigStep()))
			.toList();
	}

	/** COPY of the same rows into empty scratch copies of the raw tables (same indexes), one transaction. */
	private double floor(List<Series> series) throws Exception {
		Tables.createFloorTables(database, FLOOR_SCHEMA);
		double millis;
		try (Connection c = database.connect()) {
			CopyText text = CopyText.of(series);
			c.setAutoCommit(false);
			millis = timed(() -> {
				text.copySamples(c, FLOOR_SCHEMA + ".internal_rows", FLOOR_SCHEMA + ".cumsum_rows");
				c.commit();
			});
		}
		Tables.dropFloorTables(database, FLOOR_SCHEMA);
		return millis;
	}

	@FunctionalInterface
	private interface Step {

		void run() throws Exception;

	}

	private static double timed(Step step) throws Exception {
		long t0 = System.nanoTime();
		step.run();
		return (System.nanoTime() - t0) / 1e6;
	}

}
