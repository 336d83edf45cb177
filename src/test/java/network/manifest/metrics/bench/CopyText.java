package network.manifest.metrics.bench;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;

import org.postgresql.PGConnection;

import network.manifest.metrics.bench.TrafficGenerator.Series;
import network.manifest.metrics.ingest.IngestEncoding;

/**
 * Rows of generated series in COPY text format: the raw-table rows the service stores for them
 * ({@code time, tag_id, name, schema, value}) and their tag rows.
 */
final class CopyText {

	private final StringBuilder internal = new StringBuilder(1 << 16);

	private final StringBuilder cumsum = new StringBuilder(1 << 10);

	private final StringBuilder internalTags = new StringBuilder();

	private final StringBuilder cumsumTags = new StringBuilder();

	private long rows;

	/** The sample rows (and tag rows) of one window. */
	static CopyText of(Iterable<Series> window) {
		CopyText text = new CopyText();
		for (Series s : window) {
			text.add(s);
		}
		return text;
	}

	private void add(Series series) {
		Map<String, String> labels = series.labels();
		long tagId = IngestEncoding.tagId(labels, TrafficGenerator.HOST_TAG);
		String middle = "\t" + tagId + "\t" + escape(series.spec().name()) + "\t" + escape(series.spec().schema()) + "\t";
		StringBuilder out = series.spec().cumsum() ? cumsum : internal;
		long[] times = series.times();
		double[] values = series.values();
		for (int i = 0; i < times.length; i++) {
			out.append(Instant.ofEpochMilli(times[i])).append(middle).append(IngestEncoding.decimal(values[i])).append('\n');
		}
		rows += times.length;
		StringBuilder tags = series.spec().cumsum() ? cumsumTags : internalTags;
		tags.append(tagId).append('\t').append(field(labels.getOrDefault("host", TrafficGenerator.HOST_TAG)));
		for (String column : new String[] { "instance", "country_name", "city", "supply", "excluded_supply", "amount" }) {
			tags.append('\t').append(field(labels.get(column)));
		}
		tags.append('\n');
	}

	long rows() {
		return rows;
	}

	/** COPYs the sample rows into two tables (internal rows, cumsum rows) with the raw tables' columns. */
	void copySamples(Connection c, String internalTable, String cumsumTable) throws SQLException {
		copy(c, "COPY " + internalTable + " (time, tag_id, name, schema, value) FROM STDIN", internal);
		copy(c, "COPY " + cumsumTable + " (time, tag_id, name, schema, value) FROM STDIN", cumsum);
	}

	/** COPYs the tag rows into two tag tables (of the internal and the cumsum series). */
	void copyTags(Connection c, String internalTagTable, String cumsumTagTable) throws SQLException {
		String columns = " (tag_id, host, instance, country_name, city, supply, excluded_supply, amount) FROM STDIN";
		copy(c, "COPY " + internalTagTable + columns, internalTags);
		copy(c, "COPY " + cumsumTagTable + columns, cumsumTags);
	}

	private static void copy(Connection c, String sql, StringBuilder rows) throws SQLException {
		if (rows.isEmpty()) {
			return;
		}
		try {
			c.unwrap(PGConnection.class).getCopyAPI()
				.copyIn(sql, new ByteArrayInputStream(rows.toString().getBytes(StandardCharsets.UTF_8)));
		}
		catch (java.io.IOException e) {
			throw new SQLException("COPY failed: " + e.getMessage(), e);
		}
	}

	private static String field(String value) {
		return value == null ? "\\N" : escape(value);
	}

	private static String escape(String s) {
		return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r");
	}

}
