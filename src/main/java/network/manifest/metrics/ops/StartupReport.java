package network.manifest.metrics.ops;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.info.BuildProperties;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** One line when the service is ready, with what an operator checks first after a (re)start. */
@Component
class StartupReport {

	private static final Logger log = LoggerFactory.getLogger(StartupReport.class);

	private final DeploymentFacts facts;

	private final ObjectProvider<BuildProperties> build;

	StartupReport(DeploymentFacts facts, ObjectProvider<BuildProperties> build) {
		this.facts = facts;
		this.build = build;
	}

	@EventListener
	void ready(ApplicationReadyEvent event) {
		int port = (event.getApplicationContext() instanceof WebServerApplicationContext web)
				? web.getWebServer().getPort() : -1;
		BuildProperties props = build.getIfAvailable();
		String version = props == null ? "unknown" : props.getVersion();
		log.atInfo()
			.setMessage("metrics-gateway {} ready: storage mode {}, schema version {}, port {}"
					+ " (remote write /write and /api/v1/write, API /rpc/*, health /actuator/health)")
			.addArgument(version)
			.addArgument(facts.storageMode())
			.addArgument(facts.schemaVersion())
			.addArgument(port)
			.addKeyValue("event", "ready")
			.addKeyValue("version", version)
			.addKeyValue("storage_mode", facts.storageMode())
			.addKeyValue("schema_version", facts.schemaVersion())
			.addKeyValue("port", port)
			.log();
	}

}
