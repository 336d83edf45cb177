package network.manifest.metrics.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.info.BuildProperties;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;

import network.manifest.metrics.storage.StorageMode;
import network.manifest.metrics.support.GatewayTest;

/** The actuator endpoints an operator and the container runtime rely on, and the startup line. */
@GatewayTest
@ExtendWith(OutputCaptureExtension.class)
class OperationsEndpointsTest {

	@Autowired
	TestRestTemplate http;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	StorageMode mode;

	@Autowired
	BuildProperties build;

	@LocalServerPort
	int port;

	@Test
	void readinessIsUpAndIncludesTheDatabase() {
		ResponseEntity<Map> response = http.getForEntity("/actuator/health/readiness", Map.class);

		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(response.getBody()).containsEntry("status", "UP");
		assertThat(object(response.getBody().get("components"))).containsKeys("db", "readinessState");
	}

	@Test
	void livenessDoesNotDependOnTheDatabase() {
		ResponseEntity<Map> response = http.getForEntity("/actuator/health/liveness", Map.class);

		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(response.getBody()).containsEntry("status", "UP");
		// Only the process's own state: a database outage must not get the container restarted.
		assertThat(response.getBody()).doesNotContainKey("details");
		assertThat(String.valueOf(response.getBody().get("components"))).doesNotContain("db");
	}

	@Test
	void infoNamesVersionStorageModeAndTheAppliedSchemaVersion() {
		Map<String, Object> info = object(http.getForObject("/actuator/info", Map.class));

		assertThat(object(info.get("build"))).containsEntry("version", build.getVersion());
		Map<String, Object> storage = object(info.get("storage"));
		assertThat(storage.get("mode")).isEqualTo(mode.name().toLowerCase());
		assertThat(storage.get("postgresqlVersion").toString())
			.startsWith(jdbc.queryForObject("SELECT current_setting('server_version_num')::int / 10000", String.class));
		assertThat(storage.get("schemaVersion")).isEqualTo(jdbc.queryForObject(
				"SELECT version FROM flyway_schema_history WHERE success AND version IS NOT NULL"
						+ " ORDER BY installed_rank DESC LIMIT 1", String.class));
	}

	@Test
	void startupLineStatesModeSchemaVersionAndPort(CapturedOutput output,
			@Autowired ConfigurableApplicationContext context, @Autowired StartupReport report) {
		report.ready(new ApplicationReadyEvent(new org.springframework.boot.SpringApplication(), new String[0],
				context, java.time.Duration.ZERO));

		String line = output.getOut().lines().filter(l -> l.contains("metrics-gateway") && l.contains(" ready: "))
			.reduce((first, second) -> second).orElseThrow();
		assertThat(line).startsWith("{").endsWith("}");
		assertThat(line).contains("storage mode " + mode.name().toLowerCase(),
				"schema version " + info("schemaVersion"), "port " + port);
	}

	private String info(String key) {
		return String.valueOf(object(object(http.getForObject("/actuator/info", Map.class)).get("storage")).get(key));
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> object(Object json) {
		assertThat(json).isInstanceOf(Map.class);
		return (Map<String, Object>) json;
	}

}
