package network.manifest.metrics.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import network.manifest.metrics.support.TestDatabase;

/**
 * WAL the database server wrote while a phase ran ({@code pg_stat_wal}, the whole server's): records,
 * full-page images and bytes. Full-page images are the part a checkpoint adds (the first change of every
 * page after one logs the whole page), so they tell a phase that met a checkpoint from one that did not.
 */
record WalUse(long records, long fullPageImages, long bytes) {

	static WalUse now(TestDatabase.Database db) throws SQLException {
		try (Connection c = db.connect(); Statement st = c.createStatement();
				ResultSet rs = st.executeQuery("SELECT wal_records, wal_fpi, wal_bytes FROM pg_stat_wal")) {
			rs.next();
			return new WalUse(rs.getLong(1), rs.getLong(2), rs.getLong(3));
		}
	}

	WalUse since(WalUse start) {
		return new WalUse(records - start.records, fullPageImages - start.fullPageImages, bytes - start.bytes);
	}

}
