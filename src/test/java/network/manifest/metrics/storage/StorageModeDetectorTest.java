package network.manifest.metrics.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import network.manifest.metrics.support.TestDatabase;

/** The storage mode follows what the server offers and what is configured, and is logged in one line. */
@ExtendWith(OutputCaptureExtension.class)
class StorageModeDetectorTest {

	@Test
	void autoUsesTimescaleDbExactlyWhenItIsAvailableAndPreloaded(CapturedOutput output) throws SQLException {
		TestDatabase.Database db = TestDatabase.create();
		boolean possible = timescaleDbPossible(db);
		StorageInfo info = new StorageModeDetector(MigratedDatabase.dataSource(db), StorageProperties.Mode.AUTO).detect();

		assertThat(info.mode()).isEqualTo(possible ? StorageMode.TIMESCALEDB : StorageMode.POSTGRESQL);
		assertThat(info.postgresqlVersion()).matches("\\d+(\\.\\d+)*");
		assertThat(info.timescaledbVersion() != null).isEqualTo(possible);
		assertThat(output.getOut().lines().filter(l -> l.contains("Storage mode "))).singleElement()
			.asString()
			.contains("Storage mode " + info.mode() + " (PostgreSQL " + info.postgresqlVersion());
	}

	@Test
	void postgresqlModeKeepsPlainTablesEvenWhereTimescaleDbIsAvailable() {
		TestDatabase.Database db = TestDatabase.create();
		StorageInfo info = new StorageModeDetector(MigratedDatabase.dataSource(db), StorageProperties.Mode.POSTGRESQL)
			.detect();
		assertThat(info.mode()).isEqualTo(StorageMode.POSTGRESQL);
		assertThat(info.flywayPlaceholders()).containsEntry("timescaledb", "false")
			.containsEntry("timescaledb_compression", "false");
	}

	@Test
	void timescaledbModeFailsClearlyWhereItIsImpossible() throws SQLException {
		TestDatabase.Database db = TestDatabase.create();
		StorageModeDetector detector = new StorageModeDetector(MigratedDatabase.dataSource(db),
				StorageProperties.Mode.TIMESCALEDB);
		if (timescaleDbPossible(db)) {
			assertThat(detector.detect().mode()).isEqualTo(StorageMode.TIMESCALEDB);
		}
		else {
			assertThatThrownBy(detector::detect).isInstanceOf(IllegalStateException.class)
				.hasMessageContaining("gateway.storage.mode is timescaledb, but the timescaledb extension is");
		}
	}

	@Test
	void aDatabaseKeepsTheModeItWasSetUpWith() {
		MigratedDatabase db = MigratedDatabase.create();
		StorageInfo again = new StorageModeDetector(MigratedDatabase.dataSource(db.database), StorageProperties.Mode.AUTO)
			.detect();
		assertThat(again.mode()).isEqualTo(db.storage.mode());
		StorageProperties.Mode other = db.storage.mode() == StorageMode.POSTGRESQL ? StorageProperties.Mode.TIMESCALEDB
				: StorageProperties.Mode.POSTGRESQL;
		assertThatThrownBy(() -> new StorageModeDetector(MigratedDatabase.dataSource(db.database), other).detect())
			.isInstanceOf(IllegalStateException.class)
			.hasMessageContaining("this database was set up with");
	}

	@Test
	void recognisesTimescaleDbInSharedPreloadLibraries() {
		assertThat(StorageModeDetector.preloaded("timescaledb")).isTrue();
		assertThat(StorageModeDetector.preloaded("pg_stat_statements, \"$libdir/timescaledb\"")).isTrue();
		assertThat(StorageModeDetector.preloaded("timescaledb-2.19.3")).isTrue();
		assertThat(StorageModeDetector.preloaded("")).isFalse();
		assertThat(StorageModeDetector.preloaded("pg_stat_statements,timescaledb_toolkit")).isFalse();
		assertThat(StorageModeDetector.preloaded(null)).isFalse();
	}

	static boolean timescaleDbPossible(TestDatabase.Database db) throws SQLException {
		try (Connection c = db.connect()) {
			boolean available = !Jdbc.rows(c, "SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'").isEmpty();
			return available && StorageModeDetector.preloaded(Jdbc.value(c, "SHOW shared_preload_libraries"));
		}
	}

}
