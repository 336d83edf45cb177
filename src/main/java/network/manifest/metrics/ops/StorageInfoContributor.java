package network.manifest.metrics.ops;

import java.util.Map;

import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.stereotype.Component;

/** Adds {@code storage.mode} and {@code storage.schemaVersion} to /actuator/info (next to build.version). */
@Component
class StorageInfoContributor implements InfoContributor {

	private final DeploymentFacts facts;

	StorageInfoContributor(DeploymentFacts facts) {
		this.facts = facts;
	}

	@Override
	public void contribute(Info.Builder builder) {
		builder.withDetail("storage", Map.of("mode", facts.storageMode(), "schemaVersion", facts.schemaVersion()));
	}

}
