package network.manifest.metrics.ops;

import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.stereotype.Component;

/**
 * Adds {@code storage} (mode, applied schema version, PostgreSQL and TimescaleDB versions) to /actuator/info,
 * next to {@code build.version}.
 */
@Component
class StorageInfoContributor implements InfoContributor {

	private final DeploymentFacts facts;

	StorageInfoContributor(DeploymentFacts facts) {
		this.facts = facts;
	}

	@Override
	public void contribute(Info.Builder builder) {
		builder.withDetail("storage", facts.storageDetails());
	}

}
