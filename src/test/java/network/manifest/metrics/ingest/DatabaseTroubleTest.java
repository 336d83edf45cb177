package network.manifest.metrics.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.jdbc.DataSourceProperties;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.util.unit.DataSize;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import network.manifest.metrics.support.TestDatabase;

/** Database unavailable or busy: 503 with Retry-After (senders retry), never a 2xx, nothing half-written. */
@IngestHttpTest
class DatabaseTroubleTest {

	private static final long T0 = Instant.parse("2021-07-08T09:00:00Z").toEpochMilli();

	@LocalServerPort
	int port;

	@Autowired
	IngestDatabase ingestDatabase;

	@Autowired
	JdbcTemplate jdbc;

	private static RemoteWriteRequests request() {
		RemoteWriteRequests request = RemoteWriteRequests.request();
		request.series("ingest_trouble_busy").sample(T0, 1);
		return request;
	}

	@Test
	void exhaustedPoolGives503WithRetryAfterAndTheRetrySucceeds() throws Exception {
		RemoteWriteClient client = new RemoteWriteClient(port);
		HttpResponse<String> busy;
		try (Connection held = ingestDatabase.connection()) {
			busy = client.writeV1(request());
		}
		assertThat(busy.statusCode()).isEqualTo(503);
		assertThat(busy.headers().firstValue("Retry-After")).hasValue("7");
		assertThat(busy.body()).contains("\"code\":\"unavailable\"");
		assertThat(jdbc.queryForObject("SELECT count(*) FROM internal.prometheus_remote_write WHERE name = 'ingest_trouble_busy'",
				Integer.class)).isZero();

		assertThat(client.writeV1(request()).statusCode()).isEqualTo(204);
		assertThat(jdbc.queryForObject("SELECT count(*) FROM internal.prometheus_remote_write WHERE name = 'ingest_trouble_busy'",
				Integer.class)).isOne();
	}

	/** The pipeline on its own, against the given database, so the database can be made to misbehave. */
	private static void ingestInto(DataSourceProperties target, HttpStatus expected, String outcome) throws Exception {
		IngestProperties defaults = SeriesRouterTest.defaults();
		IngestProperties props = new IngestProperties(defaults.maxCompressedBytes(), defaults.maxDecompressedBytes(),
				defaults.hostTag(), defaults.defaultSchema(), null, null, 1, Duration.ofMillis(500), Duration.ofSeconds(3), 2,
				Duration.ofMillis(1), DataSize.ofKilobytes(64));
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		IngestDatabase database = new IngestDatabase(target, props, registry);
		try {
			RemoteWriteIngest ingest = new RemoteWriteIngest(props, database, new IngestMetrics(registry), event -> {
			});
			byte[] body = request().v1Snappy();
			assertThatThrownBy(() -> ingest.ingest(null, null, body.length, new ByteArrayInputStream(body)))
				.isInstanceOfSatisfying(IngestException.class, e -> {
					assertThat(e.status()).isEqualTo(expected);
					assertThat(e.retryAfter()).isEqualTo(expected == HttpStatus.SERVICE_UNAVAILABLE ? Duration.ofSeconds(3) : null);
				});
			assertThat(registry.counter("gateway.ingest.requests", "outcome", outcome).count()).isEqualTo(1);
			assertThat(registry.counter("gateway.ingest.samples", "result", "stored").count()).isZero();
		}
		finally {
			database.destroy();
		}
	}

	@Test
	void unreachableDatabaseIs503() throws Exception {
		DataSourceProperties nowhere = new DataSourceProperties();
		nowhere.setUrl("jdbc:postgresql://127.0.0.1:1/none?connectTimeout=1");
		nowhere.setUsername("nobody");
		ingestInto(nowhere, HttpStatus.SERVICE_UNAVAILABLE, "unavailable");
	}

	@Test
	void anyOtherDatabaseErrorIs500NeverSuccess() throws Exception {
		// a database without the tables: the COPY into the staging tables fails (42P01)
		TestDatabase.Database empty = TestDatabase.create();
		try (Connection c = empty.connect(); Statement st = c.createStatement()) {
			st.execute("CREATE SCHEMA internal");
			st.execute("CREATE TABLE internal.prometheus_remote_write_tag (tag_id bigint)");
			st.execute("CREATE FUNCTION internal.create_session_staging() RETURNS void LANGUAGE sql AS ''");
		}
		DataSourceProperties target = new DataSourceProperties();
		target.setUrl(empty.jdbcUrl());
		target.setUsername(empty.user());
		target.setPassword(empty.password());
		ingestInto(target, HttpStatus.INTERNAL_SERVER_ERROR, "database_error");
	}

}
