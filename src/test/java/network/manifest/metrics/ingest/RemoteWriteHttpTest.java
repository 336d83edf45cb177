package network.manifest.metrics.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;


/** Remote write through HTTP into the real database: what is stored, under which ids, and what is counted. */
@IngestHttpTest
class RemoteWriteHttpTest {

	/** A private hour, far from other tests' data (which may share this database). */
	private static final long T0 = Instant.parse("2021-03-04T05:00:00Z").toEpochMilli();

	@LocalServerPort
	int port;

	@Autowired
	JdbcTemplate jdbc;

	RemoteWriteClient client;

	@BeforeEach
	void client() {
		client = new RemoteWriteClient(port);
	}

	private List<String> raw(String table, String name) {
		return jdbc.queryForList("SELECT to_char(time AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS') || ' ' || tag_id || ' '"
				+ " || schema || ' ' || value::text FROM " + table + " WHERE name = ? ORDER BY time, tag_id", String.class,
				name);
	}

	@Test
	void storesShortestDecimalsUnderTheOldPipelinesIds() {
		RemoteWriteRequests request = RemoteWriteRequests.request();
		request.series("Ingest_Http_Value", "manifest_tier", "mainnet", "instance", "i-1", "supply", "123427004070058399997")
			.sample(T0 + 120_000, 1.0E23)
			.sample(T0, 0.379)
			.sample(T0 + 60_000, 3)
			.sample(T0 + 180_000, Double.NaN)
			.sample(T0 + 240_000, Double.longBitsToDouble(SampleValues.STALE_NAN_BITS))
			.sample(T0 + 300_000, Double.POSITIVE_INFINITY)
			.sample(T0 + 360_000, 2.0E-3);
		double nanBefore = client.metric("gateway_ingest_samples_total{result=\"skipped_nan\"}");
		double infBefore = client.metric("gateway_ingest_samples_total{result=\"skipped_inf\"}");
		double storedBefore = client.metric("gateway_ingest_samples_total{result=\"stored\"}");

		HttpResponse<String> response = client.writeV1(request);

		assertThat(response.statusCode()).isEqualTo(204);
		long tagId = TagSetHasher.hash(Map.of("manifest_tier", "mainnet", "instance", "i-1", "supply",
				"123427004070058399997", "host", "telegraf", "tli_name", "ingest_http_value"));
		assertThat(raw("internal.prometheus_remote_write", "ingest_http_value")).containsExactly(
				"2021-03-04 05:00:00.000 " + tagId + " mainnet 0.379", "2021-03-04 05:01:00.000 " + tagId + " mainnet 3",
				"2021-03-04 05:02:00.000 " + tagId + " mainnet 100000000000000000000000",
				"2021-03-04 05:06:00.000 " + tagId + " mainnet 0.002");
		assertThat(jdbc.queryForMap("SELECT host, instance, supply, amount FROM internal.prometheus_remote_write_tag"
				+ " WHERE tag_id = ?", tagId))
			.containsEntry("host", "telegraf")
			.containsEntry("instance", "i-1")
			.containsEntry("supply", "123427004070058399997")
			.containsEntry("amount", null);
		assertThat(client.metric("gateway_ingest_samples_total{result=\"skipped_nan\"}") - nanBefore).isEqualTo(2);
		assertThat(client.metric("gateway_ingest_samples_total{result=\"skipped_inf\"}") - infBefore).isEqualTo(1);
		assertThat(client.metric("gateway_ingest_samples_total{result=\"stored\"}") - storedBefore).isEqualTo(4);
		assertThat(client.metric("gateway_ingest_requests_total{outcome=\"success\"}")).isPositive();
	}

	@Test
	void writePathAndZstdAsVmalertSendsThem() {
		RemoteWriteRequests request = RemoteWriteRequests.request();
		request.series("ingest_http_zstd").sample(T0, 1).sample(T0 + 1, 2);
		HttpResponse<String> response = client.post("/write", RemoteWriteRequests.zstd(request.v1().toByteArray()),
				"application/x-protobuf", "zstd");
		assertThat(response.statusCode()).isEqualTo(204);
		assertThat(raw("internal.prometheus_remote_write", "ingest_http_zstd")).hasSize(2);
	}

	@Test
	void remoteWrite2AnswersWithWrittenCounts() {
		RemoteWriteRequests request = RemoteWriteRequests.request();
		request.series("ingest_http_v2", "job", "j").sample(T0, 1).sample(T0 + 1000, Double.NaN).sample(T0 + 2000, 5);
		request.series("ingest_http_v2", "job", "k").sample(T0, 7);
		HttpResponse<String> response = client.post("/api/v1/write", RemoteWriteRequests.snappy(request.v2().toByteArray()),
				RemoteWriteClient.V2_TYPE, "snappy");
		assertThat(response.statusCode()).isEqualTo(204);
		assertThat(response.headers().firstValue("X-Prometheus-Remote-Write-Samples-Written")).hasValue("3");
		assertThat(response.headers().firstValue("X-Prometheus-Remote-Write-Histograms-Written")).hasValue("0");
		assertThat(response.headers().firstValue("X-Prometheus-Remote-Write-Exemplars-Written")).hasValue("0");
		assertThat(raw("internal.prometheus_remote_write", "ingest_http_v2")).hasSize(3);
		// remote write 1.0 answers carry no such headers
		RemoteWriteRequests v1 = RemoteWriteRequests.request();
		v1.series("ingest_http_v2", "job", "l").sample(T0, 1);
		assertThat(client.writeV1(v1).headers().firstValue("X-Prometheus-Remote-Write-Samples-Written")).isEmpty();
	}

	@Test
	void duplicatesAndPartialOverlapsAreStoredAndSummedOnce() {
		RemoteWriteRequests first = RemoteWriteRequests.request();
		RemoteWriteRequests.TestSeries a = first.series("system_network_received", "ingest_test", "overlap");
		for (int m = 0; m < 10; m++) {
			a.sample(T0 + m * 60_000L, 10 + m);
		}
		RemoteWriteRequests second = RemoteWriteRequests.request();
		RemoteWriteRequests.TestSeries b = second.series("system_network_received", "ingest_test", "overlap");
		for (int m = 5; m < 15; m++) {
			b.sample(T0 + m * 60_000L, 10 + m);
		}
		b.sample(T0 + 14 * 60_000L, 99); // repeated within the request: the first one sent is kept
		double duplicatesBefore = client.metric("gateway_ingest_samples_total{result=\"duplicate\"}");

		assertThat(client.writeV1(first).statusCode()).isEqualTo(204);
		assertThat(client.writeV1(second).statusCode()).isEqualTo(204);
		assertThat(client.writeV1(second).statusCode()).isEqualTo(204);

		assertThat(raw("cumsum.prometheus_remote_write", "system_network_received")).hasSize(15);
		assertThat(client.metric("gateway_ingest_samples_total{result=\"duplicate\"}") - duplicatesBefore)
			.isEqualTo(5 + 1 + 11);
		List<Map<String, Object>> sums = jdbc.queryForList("SELECT bucket, sum_value FROM cumsum.all_metrics_minute"
				+ " WHERE name = 'system_network_received' AND bucket >= ? AND bucket < ? ORDER BY bucket",
				Timestamp.from(Instant.ofEpochMilli(T0)), Timestamp.from(Instant.ofEpochMilli(T0 + 3_600_000)));
		assertThat(sums).hasSize(15);
		for (int m = 0; m < 15; m++) {
			assertThat(((java.math.BigDecimal) sums.get(m).get("sum_value")).intValueExact()).isEqualTo(10 + m);
		}
	}

}
