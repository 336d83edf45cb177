package network.manifest.metrics.ingest;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * Stage step: COPYs a plan into the staging tables on a connection inside the caller's transaction — the
 * tag rows the database does not have yet (sorted by tag_id), or the samples per table ordered by time
 * and then {@link RoutedSeries#WRITE_ORDER}. Each COPY is one statement, so the staging triggers move its rows into
 * the tag table, or the raw tables and rollups, when it ends.
 */
final class StagingWriter {

	/**
	 * Rows of a request up to which its series are merged by time: about 20 bytes per row decoded, so at
	 * most 2 MB besides the body (vmalert and Prometheus send a few thousand samples per request).
	 */
	static final int MERGED_ROWS = 100_000;

	private final int bufferBytes;

	StagingWriter(int bufferBytes) {
		this.bufferBytes = bufferBytes;
	}

	/**
	 * New rows this transaction's flushes inserted into the raw tables (the staged rows minus those already
	 * stored), which the flush triggers add up in the transaction-local setting gateway.inserted_rows.
	 */
	private static final String NEW_RAW_ROWS = "SELECT coalesce(nullif(pg_catalog.current_setting("
			+ "'gateway.inserted_rows', true), ''), '0')::bigint";

	/** The tag_ids of a set that the tag table already holds. */
	private static final String STORED_TAGS = "SELECT t.tag_id FROM internal.prometheus_remote_write_tag t "
			+ "WHERE t.tag_id = ANY (?)";

	/** Sample rows copied per staging table, and how many of them were new to the raw tables. */
	record Copied(long internal, long cumsum, long stored) {
	}

	/**
	 * Copies the tag rows whose tag_id the tag table does not hold yet and returns how many. A tag_id is the
	 * hash of the whole tag set, so a stored row with that id already says everything the new one would.
	 */
	long writeMissingTags(Connection connection, List<TagRow> tags) throws SQLException {
		if (tags.isEmpty()) {
			return 0;
		}
		Set<Long> stored = new HashSet<>();
		try (PreparedStatement ps = connection.prepareStatement(STORED_TAGS)) {
			ps.setArray(1, connection.createArrayOf("bigint", tags.stream().map(TagRow::tagId).toArray()));
			try (ResultSet rs = ps.executeQuery()) {
				while (rs.next()) {
					stored.add(rs.getLong(1));
				}
			}
		}
		List<TagRow> missing = tags.stream().filter(t -> !stored.contains(t.tagId())).toList();
		if (missing.isEmpty()) {
			return 0;
		}
		createSessionStaging(connection);
		return copyTags(connection.unwrap(PGConnection.class).getCopyAPI(), missing);
	}

	Copied writeSamples(Connection connection, WritePlan plan) throws SQLException {
		createSessionStaging(connection);
		CopyManager copy = connection.unwrap(PGConnection.class).getCopyAPI();
		long internal = copySamples(copy, plan, StagingTable.INTERNAL);
		long cumsum = copySamples(copy, plan, StagingTable.CUMSUM);
		return new Copied(internal, cumsum, newRawRows(connection));
	}

	/**
	 * In the transaction that uses them rather than once per connection, so that a transaction-mode pooler
	 * between the service and the database (one server connection per transaction) cannot break the writes.
	 */
	private static void createSessionStaging(Connection connection) throws SQLException {
		try (Statement st = connection.createStatement()) {
			st.execute(StagingTable.CREATE);
		}
	}

	private static long newRawRows(Connection connection) throws SQLException {
		try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(NEW_RAW_ROWS)) {
			rs.next();
			return rs.getLong(1);
		}
	}

	private long copyTags(CopyManager copy, List<TagRow> tags) throws SQLException {
		CopyTextBuffer out = new CopyTextBuffer(copy.copyIn(StagingTable.copyTags()), bufferBytes);
		try {
			for (TagRow t : tags) {
				out.ascii(Long.toString(t.tagId()))
					.tab().text(t.host())
					.tab().text(t.instance())
					.tab().text(t.countryName())
					.tab().text(t.city())
					.tab().text(t.supply())
					.tab().text(t.excludedSupply())
					.tab().text(t.amount())
					.endRow();
			}
			return out.finish();
		}
		catch (SQLException | RuntimeException e) {
			out.cancel();
			throw e;
		}
	}

	private long copySamples(CopyManager copy, WritePlan plan, StagingTable table) throws SQLException {
		if (plan.series().stream().noneMatch(s -> s.table() == table)) {
			return 0;
		}
		CopyTextBuffer out = new CopyTextBuffer(copy.copyIn(table.copySamples()), bufferBytes);
		try {
			writeRows(out, plan, table);
			return out.finish();
		}
		catch (SQLException | RuntimeException e) {
			out.cancel();
			throw e;
		}
	}

	/**
	 * Writes a table's rows in the order the flush sorts them in before it inserts them, (time, tag_id): its
	 * sort then only has to find them in order, which took about 3% less of a flush's database CPU than
	 * sorting series after series. The series come in tag_id order; a heap merges their samples by time.
	 * A request of more than {@link #MERGED_ROWS} rows is written series after series instead, so that it
	 * holds one decoded series at a time rather than all of them.
	 */
	private void writeRows(CopyTextBuffer out, WritePlan plan, StagingTable table) throws SQLException {
		boolean merge = plan.rows() <= MERGED_ROWS;
		PriorityQueue<SeriesCursor> next = new PriorityQueue<>(
				Comparator.comparingLong(SeriesCursor::time).thenComparingInt(SeriesCursor::order));
		int order = 0;
		for (RoutedSeries series : plan.series()) {
			if (series.table() == table) {
				next.add(new SeriesCursor(series, plan.body().series(series.handle()), order++));
				if (!merge) {
					drain(out, next);
				}
			}
		}
		drain(out, next);
	}

	private static void drain(CopyTextBuffer out, PriorityQueue<SeriesCursor> next) throws SQLException {
		while (!next.isEmpty()) {
			SeriesCursor cursor = next.poll();
			cursor.writeRow(out);
			if (cursor.advance()) {
				next.add(cursor);
			}
		}
	}

	/** One series' selected samples, written one row at a time. */
	private static final class SeriesCursor {

		private final int order;

		private final byte[] middle;

		private final long[] times;

		private final double[] values;

		private final int[] rows;

		private int position;

		private double lastValue = Double.NaN;

		private String lastText;

		SeriesCursor(RoutedSeries series, DecodedSeries decoded, int order) {
			this.order = order;
			this.middle = ("\t" + series.tagId() + "\t" + new String(CopyTextBuffer.escape(series.name()),
					StandardCharsets.UTF_8) + "\t" + new String(CopyTextBuffer.escape(series.schema()), StandardCharsets.UTF_8)
					+ "\t").getBytes(StandardCharsets.UTF_8);
			this.times = decoded.timestamps();
			this.values = decoded.values();
			this.rows = SampleSelection.of(decoded).rows();
		}

		long time() {
			return times[rows[position]];
		}

		int order() {
			return order;
		}

		void writeRow(CopyTextBuffer out) throws SQLException {
			double v = values[rows[position]];
			// series often repeat a value: format it once
			if (lastText == null || Double.doubleToRawLongBits(v) != Double.doubleToRawLongBits(lastValue)) {
				lastText = SampleValues.toDecimalText(v);
				lastValue = v;
			}
			out.timestamp(time()).bytes(middle).ascii(lastText).endRow();
		}

		/** Moves to the next sample; false when there is none. */
		boolean advance() {
			return ++position < rows.length;
		}

	}

}
