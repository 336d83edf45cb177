package network.manifest.metrics.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * A real deadlock between a request and another writer (an SQL client writing the same rows through the
 * staging table in the opposite order): the request's transaction is the victim, is rerun, and the client
 * still gets 204 with every row stored once.
 */
@IngestHttpTest
class DeadlockRetryTest {

	private static final Instant EARLY = Instant.parse("2021-09-10T11:00:00Z");

	private static final Instant LATE = EARLY.plusSeconds(60);

	@LocalServerPort
	int port;

	@Autowired
	DataSource dataSource;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	MeterRegistry registry;

	private static void stage(Connection c, String name, Instant time, long tagId, int value) throws Exception {
		try (PreparedStatement st = c.prepareStatement("INSERT INTO staging_internal.prometheus_remote_write"
				+ " (time, tag_id, name, schema, value) VALUES (?, ?, ?, 'common', ?)")) {
			st.setTimestamp(1, Timestamp.from(time));
			st.setLong(2, tagId);
			st.setString(3, name);
			st.setInt(4, value);
			st.executeUpdate();
		}
	}

	/**
	 * Waits (polling the server's activity view, bounded) until some backend waits for the transaction of
	 * pid: a row conflict, not a lock on a table or a TimescaleDB chunk being created.
	 */
	private boolean someoneWaitsForTheTransactionOf(int pid) {
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (System.nanoTime() < deadline) {
			Integer waiting = jdbc.queryForObject("SELECT count(*) FROM pg_catalog.pg_stat_activity"
					+ " WHERE ? = ANY (pg_catalog.pg_blocking_pids(pid)) AND wait_event = 'transactionid'",
					Integer.class, pid);
			if (waiting != null && waiting > 0) {
				return true;
			}
			Thread.onSpinWait();
		}
		return false;
	}

	@Test
	void requestLosingADeadlockIsRerunAndSucceeds() throws Exception {
		long tagId = TagSetHasher.hash(Map.of("host", "telegraf", "tli_name", "ingest_deadlock"));
		double retriesBefore = registry.counter("gateway.ingest.retries").count();
		RemoteWriteRequests request = RemoteWriteRequests.request();
		request.series("ingest_deadlock").sample(EARLY.toEpochMilli(), 1).sample(LATE.toEpochMilli(), 2);

		// Another series in the same minutes first, so the TimescaleDB chunks exist: otherwise the request
		// would wait for the other writer's chunk creation, never reaching the rows that deadlock.
		try (Connection prime = dataSource.getConnection()) {
			stage(prime, "ingest_deadlock_chunks", EARLY, tagId, 0);
			stage(prime, "ingest_deadlock_chunks", LATE, tagId, 0);
		}

		CompletableFuture<HttpResponse<String>> response;
		try (Connection other = dataSource.getConnection()) {
			other.setAutoCommit(false);
			int pid;
			try (Statement st = other.createStatement()) {
				// the request's session detects the deadlock first (1 s default), so it is the victim
				st.execute("SET LOCAL deadlock_timeout = '60s'");
				var rs = st.executeQuery("SELECT pg_catalog.pg_backend_pid()");
				rs.next();
				pid = rs.getInt(1);
			}
			stage(other, "ingest_deadlock", LATE, tagId, 20); // holds the later row

			// the request inserts EARLY, then waits for LATE
			response = CompletableFuture.supplyAsync(() -> new RemoteWriteClient(port).writeV1(request));
			assertThat(someoneWaitsForTheTransactionOf(pid)).as("the request waits for the other writer's row").isTrue();

			stage(other, "ingest_deadlock", EARLY, tagId, 10); // waits for the request: deadlock, the request is rolled back
			other.commit();
		}

		assertThat(response.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(204);
		assertThat(registry.counter("gateway.ingest.retries").count() - retriesBefore).isGreaterThanOrEqualTo(1);
		assertThat(jdbc.queryForList("SELECT value::text FROM internal.prometheus_remote_write"
				+ " WHERE name = 'ingest_deadlock' ORDER BY time", String.class)).containsExactly("10", "20");
		assertThat(jdbc.queryForObject("SELECT sum(max_value) FROM internal.metric_rollup_1m"
				+ " WHERE name = 'ingest_deadlock'", Integer.class)).isEqualTo(30);
	}

}
