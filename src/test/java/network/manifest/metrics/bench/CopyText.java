package network.manifest.metrics.bench;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

import network.manifest.metrics.bench.TrafficGenerator.Series;
import network.manifest.metrics.ingest.IngestEncoding;

/**
 * Rows of generated series in COPY text format: the raw-table rows the service stores for them
 * ({@code time, tag_id, name, schema, value}) and their tag rows. The rows go to the server series by
 * series, as they are formatted: a window's whole text would be a few hundred KB per COPY, arrays that
 * G1 allocates as humongous objects and that start a concurrent collection each, on the client's time.
 */
final class CopyText {

	private final List<Series> internal = new ArrayList<>();

	private final List<Series> cumsum = new ArrayList<>();

	private long rows;

	/** The sample rows (and tag rows) of one window. */
	static CopyText of(Iterable<Series> window) {
		CopyText text = new CopyText();
		for (Series s : window) {
			(s.spec().cumsum() ? text.cumsum : text.internal).add(s);
			text.rows += s.samples();
		}
		return text;
	}

	long rows() {
		return rows;
	}

	/** COPYs the sample rows into two tables (internal rows, cumsum rows) with the raw tables' columns. */
	void copySamples(Connection c, String internalTable, String cumsumTable) throws SQLException {
		copy(c, "COPY " + internalTable + " (time, tag_id, name, schema, value) FROM STDIN", internal, CopyText::samples);
		copy(c, "COPY " + cumsumTable + " (time, tag_id, name, schema, value) FROM STDIN", cumsum, CopyText::samples);
	}

	/** COPYs the tag rows into two tag tables (of the internal and the cumsum series). */
	void copyTags(Connection c, String internalTagTable, String cumsumTagTable) throws SQLException {
		String columns = " (tag_id, host, instance, country_name, city, supply, excluded_supply, amount) FROM STDIN";
		copy(c, "COPY " + internalTagTable + columns, internal, CopyText::tag);
		copy(c, "COPY " + cumsumTagTable + columns, cumsum, CopyText::tag);
	}

	private static void samples(Series series, StringBuilder out) {
		String middle = "\t" + tagId(series) + "\t" + escape(series.spec().name()) + "\t" + escape(series.spec().schema())
				+ "\t";
		long[] times = series.times();
		double[] values = series.values();
		for (int i = 0; i < times.length; i++) {
			out.append(Instant.ofEpochMilli(times[i])).append(middle).append(IngestEncoding.decimal(values[i])).append('\n');
		}
	}

	private static void tag(Series series, StringBuilder out) {
		Map<String, String> labels = series.labels();
		out.append(tagId(series)).append('\t').append(field(labels.getOrDefault("host", TrafficGenerator.HOST_TAG)));
		for (String column : new String[] { "instance", "country_name", "city", "supply", "excluded_supply", "amount" }) {
			out.append('\t').append(field(labels.get(column)));
		}
		out.append('\n');
	}

	private static long tagId(Series series) {
		return IngestEncoding.tagId(series.labels(), TrafficGenerator.HOST_TAG);
	}

	private static void copy(Connection c, String sql, List<Series> series, BiConsumer<Series, StringBuilder> format)
			throws SQLException {
		if (series.isEmpty()) {
			return;
		}
		CopyIn copy = c.unwrap(PGConnection.class).getCopyAPI().copyIn(sql);
		try {
			StringBuilder text = new StringBuilder(1 << 13);
			for (Series s : series) {
				text.setLength(0);
				format.accept(s, text);
				byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
				copy.writeToCopy(bytes, 0, bytes.length);
			}
			copy.endCopy();
		}
		finally {
			if (copy.isActive()) {
				copy.cancelCopy();
			}
		}
	}

	private static String field(String value) {
		return value == null ? "\\N" : escape(value);
	}

	private static String escape(String s) {
		return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r");
	}

}
