package network.manifest.metrics.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides once, before the migrations run, whether data is stored with TimescaleDB or in plain PostgreSQL,
 * creating the extension when it is available and preloaded but not yet installed. A database that was set
 * up already keeps the mode its tables were created in.
 */
public final class StorageModeDetector {

	private static final Logger log = LoggerFactory.getLogger(StorageModeDetector.class);

	private static final int MINIMUM_SERVER_VERSION = 150000;

	private final DataSource dataSource;

	private final StorageProperties.Mode configured;

	public StorageModeDetector(DataSource dataSource, StorageProperties.Mode configured) {
		this.dataSource = dataSource;
		this.configured = configured;
	}

	/** Detects the mode, prepares the extension if needed and logs the outcome in one line. */
	public StorageInfo detect() {
		try (Connection connection = dataSource.getConnection()) {
			StorageInfo info = detect(connection);
			log.info(info.describe());
			return info;
		}
		catch (SQLException e) {
			throw new IllegalStateException("Could not determine the storage mode: " + e.getMessage(), e);
		}
	}

	private StorageInfo detect(Connection c) throws SQLException {
		int serverVersion = Integer.parseInt(text(c, "SELECT current_setting('server_version_num')"));
		String version = text(c, "SELECT split_part(current_setting('server_version'), ' ', 1)");
		if (serverVersion < MINIMUM_SERVER_VERSION) {
			throw new IllegalStateException("PostgreSQL 15 or newer is required, the server runs " + version);
		}
		String installed = text(c, "SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'");
		boolean available = text(c, "SELECT name FROM pg_available_extensions WHERE name = 'timescaledb'") != null;
		boolean preloaded = preloaded(text(c, "SELECT current_setting('shared_preload_libraries')"));
		Existing existing = existing(c, installed != null);

		if (existing == Existing.HYPERTABLES) {
			if (configured == StorageProperties.Mode.POSTGRESQL) {
				throw new IllegalStateException("gateway.storage.mode is postgresql, but this database was set up "
						+ "with TimescaleDB hypertables; use mode auto or timescaledb for it");
			}
			return timescale(c, version, installed, "database set up with TimescaleDB");
		}
		if (existing == Existing.PLAIN_TABLES) {
			if (configured == StorageProperties.Mode.TIMESCALEDB) {
				throw new IllegalStateException("gateway.storage.mode is timescaledb, but this database was set up "
						+ "with plain tables; use mode auto or postgresql for it");
			}
			return plain(version, "database set up with plain tables");
		}
		return switch (configured) {
			case POSTGRESQL -> plain(version, "configured");
			case TIMESCALEDB -> {
				if (installed == null && !(available && preloaded)) {
					throw new IllegalStateException("gateway.storage.mode is timescaledb, but the timescaledb "
							+ "extension is " + (available ? "not in shared_preload_libraries" : "not available")
							+ " on this server; install and preload it, or use mode auto or postgresql");
				}
				yield timescale(c, version, installed, "configured");
			}
			case AUTO -> {
				if (installed != null) {
					yield timescale(c, version, installed, "extension installed");
				}
				if (available && preloaded) {
					yield timescale(c, version, null, "extension available and preloaded");
				}
				yield plain(version, "TimescaleDB " + (available ? "not preloaded" : "not available"));
			}
		};
	}

	private StorageInfo timescale(Connection c, String version, String installed, String note) throws SQLException {
		String extension = installed;
		if (extension == null) {
			try (Statement st = c.createStatement()) {
				st.execute("CREATE EXTENSION IF NOT EXISTS timescaledb");
			}
			extension = text(c, "SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'");
		}
		// Compression is part of the community ("timescale") licence only; the Apache build lacks it.
		boolean compression = "timescale".equals(text(c, "SELECT current_setting('timescaledb.license', true)"));
		return new StorageInfo(StorageMode.TIMESCALEDB, version, extension, compression, note);
	}

	private static StorageInfo plain(String version, String note) {
		return new StorageInfo(StorageMode.POSTGRESQL, version, null, false, note);
	}

	private enum Existing {

		NONE, PLAIN_TABLES, HYPERTABLES

	}

	private static Existing existing(Connection c, boolean extensionInstalled) throws SQLException {
		if (text(c, "SELECT to_regclass('internal.prometheus_remote_write')::text") == null) {
			return Existing.NONE;
		}
		if (extensionInstalled && text(c, "SELECT hypertable_name::text FROM timescaledb_information.hypertables "
				+ "WHERE hypertable_schema = 'internal' AND hypertable_name = 'prometheus_remote_write'") != null) {
			return Existing.HYPERTABLES;
		}
		return Existing.PLAIN_TABLES;
	}

	static boolean preloaded(String sharedPreloadLibraries) {
		return sharedPreloadLibraries != null && Arrays.stream(sharedPreloadLibraries.split(","))
			.map(String::trim)
			.map(s -> s.replace("\"", ""))
			.map(s -> s.substring(s.lastIndexOf('/') + 1))
			.anyMatch(s -> s.equals("timescaledb") || s.startsWith("timescaledb-"));
	}

	private static String text(Connection c, String sql) throws SQLException {
		try (PreparedStatement st = c.prepareStatement(sql); ResultSet rs = st.executeQuery()) {
			return rs.next() ? rs.getString(1) : null;
		}
	}

}
