package network.manifest.metrics.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.TestPropertySource;

import network.manifest.metrics.support.GatewayTest;

/**
 * A sender that resends a body while its first copy is still being written (vmalert after its 30 s
 * timeout) gets the first copy's answer once it committed, and the rows are written once.
 */
@GatewayTest
@TestPropertySource(properties = { "gateway.ingest.pool-size=2", "spring.datasource.hikari.maximum-pool-size=2",
		"spring.datasource.hikari.minimum-idle=0" })
class DuplicateBodiesTest {

	private static final Instant FROM = Instant.parse("2022-03-01T00:00:00Z");

	@LocalServerPort
	int port;

	@Autowired
	DataSource dataSource;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	MeterRegistry registry;

	@Test
	void copiesSentWhileTheFirstIsWrittenWaitForItsCommitAndStoreNothingTwice() throws Exception {
		RemoteWriteRequests request = RemoteWriteRequests.request();
		RemoteWriteRequests.TestSeries series = request.series("duplicate_bodies");
		for (int i = 0; i < 500; i++) {
			series.sample(FROM.plusSeconds(60L * i).toEpochMilli(), i);
		}
		double copiesBefore = registry.counter("gateway.ingest.duplicate.bodies").count();
		RemoteWriteClient client = new RemoteWriteClient(port);
		List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
		try (Connection blocker = dataSource.getConnection()) {
			blocker.setAutoCommit(false);
			try (Statement st = blocker.createStatement()) {
				st.execute("LOCK TABLE internal.prometheus_remote_write IN EXCLUSIVE MODE");
			}
			responses.add(CompletableFuture.supplyAsync(() -> client.writeV1(request)));
			await("the first copy waits for the lock").atMost(Duration.ofSeconds(30))
				.until(() -> jdbc.queryForObject("SELECT count(*) FROM pg_locks WHERE NOT granted"
						+ " AND relation = 'internal.prometheus_remote_write'::regclass", Integer.class) > 0);
			for (int i = 0; i < 4; i++) {
				responses.add(CompletableFuture.supplyAsync(() -> client.writeV1(request)));
			}
			await("four copies wait for the first").atMost(Duration.ofSeconds(30))
				.until(() -> registry.get("gateway.ingest.duplicate.waiting").gauge().value() == 4);
			blocker.rollback();
		}
		for (CompletableFuture<HttpResponse<String>> response : responses) {
			HttpResponse<String> r = response.get(60, TimeUnit.SECONDS);
			assertThat(r.statusCode()).as(r.body()).isEqualTo(204);
		}
		assertThat(registry.counter("gateway.ingest.duplicate.bodies").count() - copiesBefore).isEqualTo(4);
		assertThat(jdbc.queryForObject("SELECT count(*) FROM internal.prometheus_remote_write"
				+ " WHERE name = 'duplicate_bodies'", Integer.class)).isEqualTo(500);
		assertThat(registry.get("gateway.ingest.duplicate.waiting").gauge().value()).isZero();
	}

	@Test
	void aCopyGetsTheFirstCopysRefusalOr503WhenItFailedOtherwise() {
		InFlightBodies bodies = new InFlightBodies(new SimpleMeterRegistry(), Duration.ofSeconds(5));
		assertThat(bodies.claim("a")).as("the first copy").isNull();
		var refused = bodies.claim("a");
		assertThat(refused).as("a second copy").isNotNull();
		bodies.finished("a", null, IngestException.malformed("bad labels"));
		assertThatThrownBy(() -> bodies.awaitFirst(refused)).isInstanceOfSatisfying(IngestException.class,
				e -> assertThat(e.status().value()).isEqualTo(400));

		assertThat(bodies.claim("b")).isNull();
		var failed = bodies.claim("b");
		bodies.finished("b", null, new IllegalStateException("connection reset"));
		assertThatThrownBy(() -> bodies.awaitFirst(failed)).isInstanceOfSatisfying(IngestException.class,
				e -> assertThat(e.status().value()).isEqualTo(503));

		assertThat(bodies.claim("a")).as("after the first finished, a body is new again").isNull();
	}

}
