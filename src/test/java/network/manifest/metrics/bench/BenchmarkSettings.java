package network.manifest.metrics.bench;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Sizes of one benchmark run. {@code -Dbench.size=full} (default) or {@code smoke} picks a preset; each
 * value can be overridden with its own system property, e.g. {@code -Dbench.clients=8}.
 *
 * @param series series of the ingest traffic (at least the 27 recorded series; the rest are filler)
 * @param ingestMinutes length of the ingested range, 1 sample per series per minute
 * @param pointsPerSeries samples per series in one request (vmalert replay sends many points per series)
 * @param clients concurrent remote-write clients (and concurrent COPY clients of the floor)
 * @param bigLabelEveryMinutes minutes between changes of the big-number labels (each change starts a series)
 * @param apiMinutes length of the range loaded for the API part, ending now
 * @param apiConcurrency concurrent callers per query shape
 * @param apiRequests measured calls per shape and path (HTTP, direct SQL)
 * @param apiMaxPerShape time limit per shape and path, cutting {@code apiRequests} short on slow shapes
 * @param loadThreads connections loading the API data set through the staging tables
 * @param acceptEncoding the API callers' {@code Accept-Encoding}: by default what {@code curl --compressed}
 *        sends (curl 7.88 and later, as Debian 12 ships it); current browsers offer the same codings
 * @param output where the results table is written
 */
record BenchmarkSettings(String size, int series, long ingestMinutes, int pointsPerSeries, int clients,
		long bigLabelEveryMinutes, long apiMinutes, int apiConcurrency, int apiRequests, Duration apiMaxPerShape,
		int loadThreads, String acceptEncoding, Path output) {

	static final long DAY_MINUTES = 1440;

	static final String CURL_ACCEPT_ENCODING = "deflate, gzip, br, zstd";

	/** Series of the replay-shaped request ({@link ReplayBenchmark}): vmalert's year of ~150 series, or a few. */
	int replaySeries() {
		return size.equals("smoke") ? 3 : 150;
	}

	/** The range of its hourly points: a year, or a week for the smoke run. */
	long replayMinutes() {
		return size.equals("smoke") ? 7 * DAY_MINUTES : 365 * DAY_MINUTES;
	}

	static BenchmarkSettings full() {
		return new BenchmarkSettings("full", 60, 30 * DAY_MINUTES, 100, 4, DAY_MINUTES, 365 * DAY_MINUTES, 8, 1000,
				Duration.ofSeconds(20), 2, CURL_ACCEPT_ENCODING, Path.of("bench", "results", "latest.md"));
	}

	static BenchmarkSettings smoke() {
		return new BenchmarkSettings("smoke", 60, 300, 50, 2, 120, 2 * DAY_MINUTES, 2, 6, Duration.ofSeconds(30), 2,
				CURL_ACCEPT_ENCODING, Path.of("target", "bench", "smoke.md"));
	}

	/** The preset named by {@code bench.size}, with per-value overrides from system properties. */
	static BenchmarkSettings fromSystemProperties() {
		BenchmarkSettings p = "smoke".equals(System.getProperty("bench.size", "full")) ? smoke() : full();
		return new BenchmarkSettings(p.size(), integer("bench.series", p.series()),
				number("bench.ingest-minutes", p.ingestMinutes()), integer("bench.points-per-series", p.pointsPerSeries()),
				integer("bench.clients", p.clients()), number("bench.big-label-every-minutes", p.bigLabelEveryMinutes()),
				number("bench.api-minutes", p.apiMinutes()), integer("bench.api-concurrency", p.apiConcurrency()),
				integer("bench.api-requests", p.apiRequests()),
				Duration.ofSeconds(number("bench.api-max-seconds-per-shape", p.apiMaxPerShape().toSeconds())),
				integer("bench.load-threads", p.loadThreads()),
				System.getProperty("bench.accept-encoding", p.acceptEncoding()),
				Path.of(System.getProperty("bench.output", p.output().toString())));
	}

	private static int integer(String name, int fallback) {
		return (int) number(name, fallback);
	}

	private static long number(String name, long fallback) {
		String value = System.getProperty(name);
		return value == null || value.isBlank() ? fallback : Long.parseLong(value.trim());
	}

}
