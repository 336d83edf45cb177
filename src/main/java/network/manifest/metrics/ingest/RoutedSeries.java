package network.manifest.metrics.ingest;

import java.util.Comparator;

/**
 * A series after routing and identification: where its samples go and under which id. The samples stay in
 * the decoded body ({@code handle}) until the write streams them.
 */
record RoutedSeries(int index, long handle, String name, String schema, StagingTable table, TagRow tag) {

	/** The order rows are written in, identical in every transaction (see {@link StagingTable}). */
	static final Comparator<RoutedSeries> WRITE_ORDER = Comparator.comparing(RoutedSeries::table)
		.thenComparingLong(s -> s.tag().tagId())
		.thenComparing(RoutedSeries::name)
		.thenComparing(RoutedSeries::schema)
		.thenComparingInt(RoutedSeries::index);

	long tagId() {
		return tag.tagId();
	}

}
