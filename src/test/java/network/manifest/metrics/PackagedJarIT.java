package network.manifest.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import network.manifest.metrics.support.RemoteWriteProbe;
import network.manifest.metrics.support.TestDatabase;

/**
 * The jar that {@code package} builds (and the container image runs) starts on its own: its dependencies,
 * application.yml and migrations are inside, it becomes ready against a fresh database, answers an API call,
 * stores a snappy remote write and stops on SIGTERM. Tests on the classpath cannot show this: they see test-scoped dependencies too.
 */
class PackagedJarIT {

	@Test
	void thePackagedJarStartsMigratesAnswersStoresAndStops() throws Exception {
		Path jar;
		try (Stream<Path> files = Files.list(Path.of("target"))) {
			jar = files.filter(p -> p.getFileName().toString().matches("metrics-gateway-.*\\.jar")).findFirst()
				.orElseThrow(() -> new IllegalStateException("no metrics-gateway jar in target/: run the package phase"));
		}
		TestDatabase.Database db = TestDatabase.create();
		int port = freePort();
		List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-Xmx256m", "-jar", jar.toString(), "--server.port=" + port, "--gateway.retention.enabled=false"));
		db.dataSourceProperties().forEach(p -> command.add("--" + p));
		Path log = Files.createTempFile("packaged-jar", ".log");
		Process app = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		try {
			HttpClient http = HttpClient.newHttpClient();
			await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
				.failFast("the jar exited: " + log, () -> !app.isAlive())
				.until(() -> status(http, port, "/actuator/health/readiness") == 200);
			assertThat(status(http, port, "/rpc/get_all_latest_mainnet_metrics")).isEqualTo(200);
			// remote write needs the native snappy library and the generated protobuf classes from the jar
			HttpResponse<String> write = http.send(RemoteWriteProbe.request(port, "packaged_jar_probe"),
					HttpResponse.BodyHandlers.ofString());
			assertThat(write.statusCode()).as(write.body()).isEqualTo(204);
			assertThat(RemoteWriteProbe.storedRows(db, "packaged_jar_probe")).isEqualTo(1);
		}
		finally {
			app.destroy();
			assertThat(app.waitFor(60, TimeUnit.SECONDS)).as("stopped within 60 s of SIGTERM").isTrue();
		}
		assertThat(Files.readString(log)).as(log.toString()).doesNotContain("APPLICATION FAILED TO START");
	}

	private static int status(HttpClient http, int port, String path) throws InterruptedException {
		try {
			return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
					HttpResponse.BodyHandlers.discarding()).statusCode();
		}
		catch (IOException notYetListening) {
			return -1;
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
