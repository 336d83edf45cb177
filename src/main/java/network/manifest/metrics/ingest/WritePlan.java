package network.manifest.metrics.ingest;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The outcome of the planning walk: every series validated, routed and identified, in write order, with
 * the distinct tag rows and the sample counts. Nothing has touched the database yet.
 */
record WritePlan(DecodedBody body, List<RoutedSeries> series, List<TagRow> tags, long seriesReceived,
		long samplesReceived, long skippedNaN, long skippedInf, long duplicatesInRequest, long rows) {

	static WritePlan of(DecodedBody body, SeriesRouter router) {
		List<RoutedSeries> series = new ArrayList<>();
		TreeMap<Long, TagRow> tags = new TreeMap<>();
		long[] counts = new long[6];
		body.forEachSeries(decoded -> {
			RoutedSeries routed = router.route(decoded);
			SampleSelection selection = SampleSelection.of(decoded);
			counts[0]++;
			counts[1] += decoded.sampleCount();
			counts[2] += selection.nan();
			counts[3] += selection.inf();
			counts[4] += selection.duplicates();
			counts[5] += selection.rows().length;
			if (selection.rows().length > 0) {
				series.add(routed);
				tags.putIfAbsent(routed.tagId(), routed.tag());
			}
		});
		series.sort(RoutedSeries.WRITE_ORDER);
		return new WritePlan(body, List.copyOf(series), List.copyOf(tags.values()), counts[0], counts[1], counts[2],
				counts[3], counts[4], counts[5]);
	}

}
