package network.manifest.metrics.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * What can be checked about the container deployment without a Docker engine: the compose file
 * parses and wires the services as the README describes, the rule files it mounts exist and are
 * recording rules, and the Dockerfile builds what the pom produces.
 */
class DeploymentFilesTest {

	private static final List<String> BACKFILL_JOBS = List.of("backfill-1y", "backfill-1w", "backfill-all");

	@Test
	void composeFileRunsTheWholeSystemByDefaultAndBackfillOnRequest() throws IOException {
		Map<String, Object> services = map(compose().get("services"));

		assertThat(services).containsOnlyKeys("timescaledb", "gateway", "vmalert", "backfill-1y", "backfill-1w",
				"backfill-all");
		for (String always : List.of("timescaledb", "gateway", "vmalert")) {
			assertThat(map(services.get(always))).as(always + " starts with a plain `docker compose up`")
				.doesNotContainKey("profiles");
		}
		for (String job : BACKFILL_JOBS) {
			Map<String, Object> service = map(services.get(job));
			assertThat(service.get("profiles")).as(job).isEqualTo(List.of("backfill"));
			assertThat(service.get("restart")).as(job + " runs once").isEqualTo("no");
		}
	}

	@Test
	void databaseIsTimescaleOnPostgres17WithAVolumeAndAHealthcheck() throws IOException {
		Map<String, Object> db = map(map(compose().get("services")).get("timescaledb"));

		assertThat((String) db.get("image")).startsWith("timescale/timescaledb:").endsWith("-pg17}");
		assertThat((List<?>) db.get("volumes")).anySatisfy(v -> assertThat(v.toString())
			.startsWith("timescaledb_data:/var/lib/postgresql/data"));
		assertThat(map(compose().get("volumes"))).containsKey("timescaledb_data");
		assertThat(map(db.get("healthcheck")).get("test").toString()).contains("pg_isready");
	}

	@Test
	void gatewayWaitsForTheDatabaseAndServesPort3000() throws IOException {
		Map<String, Object> gateway = map(map(compose().get("services")).get("gateway"));

		assertThat(gateway.get("build")).isEqualTo(".");
		assertThat(map(map(gateway.get("depends_on")).get("timescaledb")).get("condition"))
			.isEqualTo("service_healthy");
		assertThat(strings(gateway.get("ports"))).containsExactly("${API_PORT:-3000}:3000");
		Map<String, Object> env = map(gateway.get("environment"));
		assertThat(env.get("DATABASE_URL").toString()).startsWith("jdbc:postgresql://timescaledb:5432/");
		assertThat(env).containsKeys("DATABASE_USER", "DATABASE_PASSWORD");
	}

	@Test
	void vmalertRemoteWritesToTheGatewayAndEvaluatesTheMountedRules() throws IOException {
		Map<String, Object> services = map(compose().get("services"));
		Map<String, Object> live = map(services.get("vmalert"));

		assertThat(strings(live.get("command"))).contains("-remoteWrite.url=http://gateway:3000/write",
				"-remoteWrite.disablePathAppend", "-rule=/etc/vmalert/rules/*.yml", "-evaluationInterval=1m");
		assertThat(map(map(live.get("depends_on")).get("gateway")).get("condition")).isEqualTo("service_healthy");
		for (String job : BACKFILL_JOBS) {
			Map<String, Object> service = map(services.get(job));
			assertThat(map(service.get("environment")).get("REMOTE_WRITE_URL")).as(job)
				.isEqualTo("http://gateway:3000/write");
			String ruleFile = ((List<?>) service.get("command")).get(1).toString();
			assertThat(ruleFile).startsWith("/etc/vmalert/rules/backfill/");
			assertThat(Path.of("deploy/rules").resolve(ruleFile.substring("/etc/vmalert/rules/".length())))
				.as(job + " rule file shipped").isRegularFile();
		}
		assertThat(((List<?>) map(services.get("backfill-all")).get("command")).get(0).toString())
			.contains("2023-05-10");
	}

	@Test
	void everyShippedRuleFileIsAGroupOfRecordingRules() throws IOException {
		List<Path> files;
		try (Stream<Path> walk = Files.walk(Path.of("deploy/rules"))) {
			files = walk.filter(p -> p.toString().endsWith(".yml")).toList();
		}
		assertThat(files).hasSizeGreaterThanOrEqualTo(4);
		for (Path file : files) {
			List<?> groups = (List<?>) map(yaml(file)).get("groups");
			assertThat(groups).as(file.toString()).isNotEmpty();
			for (Object group : groups) {
				assertThat(map(group)).as(file.toString()).containsKeys("name", "interval", "rules");
				for (Object rule : (List<?>) map(group).get("rules")) {
					assertThat(map(rule)).as(file.toString()).containsOnlyKeys("record", "expr");
					assertThat(map(rule).get("record").toString()).matches("[a-z_][a-z0-9_]*");
				}
			}
		}
	}

	@Test
	void dockerfileBuildsTheLayeredJarAndRunsItAsANonRootUserWithAHealthcheck() throws IOException {
		String dockerfile = Files.readString(Path.of("Dockerfile"));

		assertThat(dockerfile).contains("./mvnw -B -q dependency:go-offline", "-Djarmode=tools",
				"extract --layers --launcher", "org.springframework.boot.loader.launch.JarLauncher",
				"-XX:MaxRAMPercentage=75", "/actuator/health/readiness", "USER gateway");
		// Every source folder the pom builds from is copied into the build stage.
		for (String folder : List.of("src", "db")) {
			assertThat(dockerfile).contains("COPY " + folder + " " + folder);
		}
	}

	private static Map<String, Object> compose() throws IOException {
		return map(yaml(Path.of("docker-compose.yml")));
	}

	private static List<String> strings(Object list) {
		assertThat(list).isInstanceOf(List.class);
		return ((List<?>) list).stream().map(String::valueOf).toList();
	}

	static Object yaml(Path file) throws IOException {
		try (var reader = Files.newBufferedReader(file)) {
			return new Yaml().load(reader);
		}
	}

	@SuppressWarnings("unchecked")
	static Map<String, Object> map(Object value) {
		assertThat(value).isInstanceOf(Map.class);
		return (Map<String, Object>) value;
	}

}
