package network.manifest.metrics.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Small JDBC conveniences for the schema tests: rows come back as lists of strings, as psql shows them. */
final class Jdbc {

	private Jdbc() {
	}

	static int update(Connection c, String sql, Object... params) throws SQLException {
		try (PreparedStatement st = prepare(c, sql, params)) {
			return st.executeUpdate();
		}
	}

	static void execute(Connection c, String sql, Object... params) throws SQLException {
		try (PreparedStatement st = prepare(c, sql, params)) {
			st.execute();
		}
	}

	/** Each row as its columns' text joined by {@code |}. */
	static List<String> rows(Connection c, String sql, Object... params) throws SQLException {
		List<String> rows = new ArrayList<>();
		try (PreparedStatement st = prepare(c, sql, params); ResultSet rs = st.executeQuery()) {
			int n = rs.getMetaData().getColumnCount();
			while (rs.next()) {
				StringBuilder row = new StringBuilder();
				for (int i = 1; i <= n; i++) {
					if (i > 1) {
						row.append('|');
					}
					row.append(rs.getString(i));
				}
				rows.add(row.toString());
			}
		}
		return rows;
	}

	static String value(Connection c, String sql, Object... params) throws SQLException {
		List<String> rows = rows(c, sql, params);
		if (rows.size() != 1) {
			throw new IllegalStateException("expected one row from " + sql + ", got " + rows);
		}
		return rows.get(0);
	}

	private static PreparedStatement prepare(Connection c, String sql, Object... params) throws SQLException {
		PreparedStatement st = c.prepareStatement(sql);
		for (int i = 0; i < params.length; i++) {
			st.setObject(i + 1, params[i]);
		}
		return st;
	}

}
