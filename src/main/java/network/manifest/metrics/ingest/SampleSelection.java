package network.manifest.metrics.ingest;

import java.util.Arrays;

/**
 * Which samples of a series are written, and in which order: finite values only (NaN, stale markers and
 * ±Inf are counted and dropped), sorted by time, the first of equal timestamps kept. Both the planning walk
 * and the write use it, so counts and rows cannot disagree.
 */
record SampleSelection(int[] rows, int nan, int inf, int duplicates) {

	/** Prometheus timestamps PostgreSQL can store as written here: years 1 to 9999. */
	private static final long MIN_MILLIS = -62_135_596_800_000L;

	private static final long MAX_MILLIS = 253_402_300_799_999L;

	static SampleSelection of(DecodedSeries series) {
		long[] times = series.timestamps();
		double[] values = series.values();
		int n = times.length;
		int nan = 0;
		int inf = 0;
		int[] keep = new int[n];
		int k = 0;
		boolean sorted = true;
		for (int i = 0; i < n; i++) {
			double v = values[i];
			if (Double.isNaN(v)) {
				nan++;
				continue;
			}
			if (Double.isInfinite(v)) {
				inf++;
				continue;
			}
			long t = times[i];
			if (t < MIN_MILLIS || t > MAX_MILLIS) {
				throw IngestException.malformed("series " + series.index() + ": timestamp " + t + " is out of range");
			}
			if (k > 0 && t < times[keep[k - 1]]) {
				sorted = false;
			}
			keep[k++] = i;
		}
		int[] rows = Arrays.copyOf(keep, k);
		if (!sorted) {
			// stable: among equal timestamps the first one sent stays first
			rows = Arrays.stream(rows).boxed().sorted((a, b) -> Long.compare(times[a], times[b]))
				.mapToInt(Integer::intValue).toArray();
		}
		int unique = 0;
		for (int i = 0; i < rows.length; i++) {
			if (unique == 0 || times[rows[i]] != times[rows[unique - 1]]) {
				rows[unique++] = rows[i];
			}
		}
		return new SampleSelection(unique == rows.length ? rows : Arrays.copyOf(rows, unique), nan, inf,
				rows.length - unique);
	}

}
