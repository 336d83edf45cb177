package network.manifest.metrics.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import network.manifest.metrics.support.TestDatabase;

/**
 * A fresh test database migrated the way the application does it: storage detection first (honouring
 * GATEWAY_STORAGE_MODE like the application), then Flyway with the resulting placeholders.
 */
final class MigratedDatabase {

	final TestDatabase.Database database;

	final StorageInfo storage;

	private MigratedDatabase(TestDatabase.Database database, StorageInfo storage) {
		this.database = database;
		this.storage = storage;
	}

	/** A new, empty database, migrated. */
	static MigratedDatabase create() {
		TestDatabase.Database db = TestDatabase.create();
		StorageInfo storage = detect(db);
		migrate(db, storage);
		return new MigratedDatabase(db, storage);
	}

	static StorageProperties.Mode configuredMode() {
		String env = System.getenv("GATEWAY_STORAGE_MODE");
		return (env == null || env.isBlank()) ? StorageProperties.Mode.AUTO
				: StorageProperties.Mode.valueOf(env.trim().toUpperCase());
	}

	static StorageInfo detect(TestDatabase.Database db) {
		return new StorageModeDetector(dataSource(db), configuredMode()).detect();
	}

	static MigrateResult migrate(TestDatabase.Database db, StorageInfo storage) {
		return Flyway.configure()
			.dataSource(dataSource(db))
			.locations("classpath:db/migration")
			.placeholders(storage.flywayPlaceholders())
			.load()
			.migrate();
	}

	/** The migration scripts as shipped (db/migration of the project), by file name. */
	static List<String> migrationFiles() {
		try (Stream<Path> files = Files.list(Path.of("db", "migration"))) {
			return files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".sql")).sorted().toList();
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	/** The highest version of the versioned migrations ({@code V<version>__...sql}). */
	static String newestVersion() {
		return migrationFiles().stream()
			.filter(f -> f.startsWith("V"))
			.map(f -> f.substring(1, f.indexOf("__")))
			.max(Comparator.comparing(Integer::valueOf))
			.orElseThrow();
	}

	static DriverManagerDataSource dataSource(TestDatabase.Database db) {
		return new DriverManagerDataSource(db.jdbcUrl(), db.user(), db.password());
	}

	/** A connection whose session time zone is UTC, so timestamps read back as {@code 2024-03-10 10:00:00+00}. */
	Connection connect() throws SQLException {
		Connection c = database.connect();
		try (Statement st = c.createStatement()) {
			st.execute("SET TIME ZONE 'UTC'");
		}
		return c;
	}

}
