package network.manifest.metrics.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import network.manifest.metrics.support.TestDatabase;

/** The benchmark's database chores: row counts of the tables a write fills, WAL position, VACUUM, CHECKPOINT. */
final class Tables {

	static final List<String> RAW = List.of("internal.prometheus_remote_write", "cumsum.prometheus_remote_write");

	/** Every table the flush maintains besides the raw and tag tables. */
	static final List<String> ROLLUPS = List.of("internal.metric_rollup_1m", "internal.metric_rollup_1h",
			"internal.metric_rollup_1d", "cumsum.all_metrics_minute", "cumsum.sum_rollup_1h", "cumsum.sum_rollup_1d",
			"cumsum.metric_totals",
			"geo.coords_rollup_1m");

	private Tables() {
	}

	static long rawRows(TestDatabase.Database db) throws SQLException {
		return sum(db, RAW);
	}

	static long rollupRows(TestDatabase.Database db) throws SQLException {
		return sum(db, ROLLUPS);
	}

	static long count(TestDatabase.Database db, String table) throws SQLException {
		return sum(db, List.of(table));
	}

	private static long sum(TestDatabase.Database db, List<String> tables) throws SQLException {
		long total = 0;
		try (Connection c = db.connect(); Statement st = c.createStatement()) {
			for (String table : tables) {
				try (ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
					rs.next();
					total += rs.getLong(1);
				}
			}
		}
		return total;
	}

	/**
	 * The server's WAL insert position in bytes: the difference of two is the WAL written between them, exact
	 * and at once (unlike {@code pg_stat_wal}, which backends report up to seconds later).
	 */
	static long walPosition(TestDatabase.Database db) throws SQLException {
		try (Connection c = db.connect(); Statement st = c.createStatement();
				ResultSet rs = st.executeQuery("SELECT pg_current_wal_insert_lsn() - '0/0'::pg_lsn")) {
			rs.next();
			return rs.getLong(1);
		}
	}

	/**
	 * VACUUM (ANALYZE) of the whole database, so that the next measured phase starts with nothing left for
	 * autovacuum from the one before (a phase's millions of inserted rows would otherwise be vacuumed and
	 * analysed on the next phase's time).
	 */
	static void vacuum(TestDatabase.Database db) throws SQLException {
		try (Connection c = db.connect(); Statement st = c.createStatement()) {
			c.setAutoCommit(true);
			st.execute("VACUUM (ANALYZE)");
		}
	}

	/**
	 * A CHECKPOINT before a read-only phase, so that the checkpointer does not write out the pages a load
	 * left dirty during it (its CPU time would fall on whichever path was measured then, more on the slower
	 * one). Not before a write phase: the first change of every page after a checkpoint logs the whole page,
	 * which a phase just after one would pay for in full. Without the privilege ({@code pg_checkpoint}) the
	 * checkpoint is left to the server.
	 */
	static void checkpoint(TestDatabase.Database db) throws SQLException {
		try (Connection c = db.connect(); Statement st = c.createStatement()) {
			st.execute("CHECKPOINT");
		}
		catch (SQLException e) {
			if (!"42501".equals(e.getSQLState())) {
				throw e;
			}
		}
	}

	/**
	 * A fresh schema with empty copies of the raw tables, same indexes ({@code internal_rows},
	 * {@code cumsum_rows}): where a COPY floor loads the rows the service stores.
	 */
	static void createFloorTables(TestDatabase.Database db, String schema) throws SQLException {
		try (Connection c = db.connect(); Statement st = c.createStatement()) {
			st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
			st.execute("CREATE SCHEMA " + schema);
			st.execute("CREATE TABLE " + schema + ".internal_rows (LIKE internal.prometheus_remote_write INCLUDING INDEXES)");
			st.execute("CREATE TABLE " + schema + ".cumsum_rows (LIKE cumsum.prometheus_remote_write INCLUDING INDEXES)");
		}
	}

	static void dropFloorTables(TestDatabase.Database db, String schema) throws SQLException {
		try (Connection c = db.connect(); Statement st = c.createStatement()) {
			st.execute("DROP SCHEMA " + schema + " CASCADE");
		}
	}

	/** Empties the raw, tag and rollup tables (between the ingest and the API part). */
	static void truncateData(TestDatabase.Database db) throws SQLException {
		try (Connection c = db.connect(); Statement st = c.createStatement()) {
			st.execute("TRUNCATE " + String.join(", ", RAW) + ", " + String.join(", ", ROLLUPS)
					+ ", internal.prometheus_remote_write_tag");
		}
	}

}
