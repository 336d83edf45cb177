package network.manifest.metrics.storage;

import java.util.Map;

/**
 * What {@link StorageModeDetector} found at start-up.
 *
 * @param mode how data is stored
 * @param postgresqlVersion the server's version, e.g. {@code 15.18}
 * @param timescaledbVersion the installed extension's version, or {@code null} in plain PostgreSQL mode
 * @param compression whether raw chunks are compressed (TimescaleDB under its community licence only)
 * @param note why this mode was chosen, for the log line
 */
public record StorageInfo(StorageMode mode, String postgresqlVersion, String timescaledbVersion, boolean compression,
		String note) {

	/** Values for the migrations' {@code ${timescaledb}} and {@code ${timescaledb_compression}} placeholders. */
	Map<String, String> flywayPlaceholders() {
		return Map.of("timescaledb", String.valueOf(mode == StorageMode.TIMESCALEDB), "timescaledb_compression",
				String.valueOf(compression));
	}

	/** The one log line describing the storage. */
	String describe() {
		StringBuilder line = new StringBuilder("Storage mode ").append(mode)
			.append(" (PostgreSQL ")
			.append(postgresqlVersion);
		if (timescaledbVersion != null) {
			line.append(", TimescaleDB ")
				.append(timescaledbVersion)
				.append(compression ? ", compression after 7 days" : ", no compression (licence)");
		}
		return line.append("; ").append(note).append(')').toString();
	}

}
