package network.manifest.metrics.ops;

import java.util.Locale;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.springframework.stereotype.Component;

import network.manifest.metrics.storage.StorageMode;

/** What this instance runs on, as the startup line and /actuator/info report it. */
@Component
class DeploymentFacts {

	private final StorageMode mode;

	private final Flyway flyway;

	DeploymentFacts(StorageMode mode, Flyway flyway) {
		this.mode = mode;
		this.flyway = flyway;
	}

	String storageMode() {
		return mode.name().toLowerCase(Locale.ROOT);
	}

	/** The version of the newest applied migration, read from the database (not from the jar). */
	String schemaVersion() {
		MigrationInfo current = flyway.info().current();
		return (current == null || current.getVersion() == null) ? "none" : current.getVersion().getVersion();
	}

}
