package network.manifest.metrics.ops;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.springframework.stereotype.Component;

import network.manifest.metrics.storage.StorageInfo;

/** What this instance runs on, as the startup line and /actuator/info report it. */
@Component
class DeploymentFacts {

	private final StorageInfo storage;

	private final Flyway flyway;

	DeploymentFacts(StorageInfo storage, Flyway flyway) {
		this.storage = storage;
		this.flyway = flyway;
	}

	String storageMode() {
		return storage.mode().name().toLowerCase(Locale.ROOT);
	}

	/** The version of the newest applied migration, read from the database (not from the jar). */
	String schemaVersion() {
		MigrationInfo current = flyway.info().current();
		return (current == null || current.getVersion() == null) ? "none" : current.getVersion().getVersion();
	}

	/** mode, schemaVersion, postgresqlVersion and, with TimescaleDB, its version and whether it compresses. */
	Map<String, Object> storageDetails() {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("mode", storageMode());
		details.put("schemaVersion", schemaVersion());
		details.put("postgresqlVersion", storage.postgresqlVersion());
		if (storage.timescaledbVersion() != null) {
			details.put("timescaledbVersion", storage.timescaledbVersion());
			details.put("compression", storage.compression());
		}
		return details;
	}

}
