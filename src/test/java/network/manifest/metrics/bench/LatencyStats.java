package network.manifest.metrics.bench;

import java.util.Arrays;
import java.util.List;

/** Latencies of one measured run (nanoseconds) and its wall time: percentiles and throughput. */
record LatencyStats(long[] sortedNanos, long wallNanos) {

	static LatencyStats of(long[] nanos, long wallNanos) {
		long[] sorted = nanos.clone();
		Arrays.sort(sorted);
		return new LatencyStats(sorted, wallNanos);
	}

	/** Several runs as one: all their latencies, and their wall times added. */
	static LatencyStats combined(List<LatencyStats> runs) {
		long[] nanos = runs.stream().flatMapToLong(r -> Arrays.stream(r.sortedNanos())).toArray();
		return of(nanos, runs.stream().mapToLong(LatencyStats::wallNanos).sum());
	}

	int count() {
		return sortedNanos.length;
	}

	/** Nearest-rank percentile in milliseconds (0 when nothing was measured). */
	double percentileMillis(double p) {
		if (sortedNanos.length == 0) {
			return 0;
		}
		int rank = (int) Math.ceil(p / 100.0 * sortedNanos.length);
		return sortedNanos[Math.max(0, Math.min(sortedNanos.length - 1, rank - 1))] / 1e6;
	}

	double p50() {
		return percentileMillis(50);
	}

	double p99() {
		return percentileMillis(99);
	}

	double seconds() {
		return wallNanos / 1e9;
	}

	/** Events per second of wall time, e.g. requests/s or (with a count) samples/s. */
	double perSecond(long events) {
		return wallNanos == 0 ? 0 : events / seconds();
	}

	double requestsPerSecond() {
		return perSecond(sortedNanos.length);
	}

}
