package network.manifest.metrics.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.time.Instant;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;


/**
 * Every way a request is refused, over HTTP: status, problem-details body, and that nothing was written —
 * the valid series sent alongside a malformed one are not stored either.
 */
@IngestHttpTest
class RemoteWriteErrorsTest {

	private static final long T0 = Instant.parse("2021-05-06T07:00:00Z").toEpochMilli();

	private static final ObjectMapper JSON = new ObjectMapper();

	@LocalServerPort
	int port;

	@Autowired
	JdbcTemplate jdbc;

	RemoteWriteClient client;

	@BeforeEach
	void client() {
		client = new RemoteWriteClient(port);
	}

	/** A valid series that must never be stored, because it travels with a bad one. */
	private static RemoteWriteRequests withInnocentSeries() {
		RemoteWriteRequests request = RemoteWriteRequests.request();
		request.series("ingest_errors_innocent").sample(T0, 1);
		return request;
	}

	private int innocentRows() {
		return jdbc.queryForObject("SELECT count(*) FROM internal.prometheus_remote_write WHERE name = 'ingest_errors_innocent'",
				Integer.class);
	}

	private static JsonNode problem(HttpResponse<String> response, int status, String code) throws Exception {
		assertThat(response.statusCode()).isEqualTo(status);
		assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
				type -> assertThat(type).startsWith("application/problem+json"));
		JsonNode body = JSON.readTree(response.body());
		assertThat(body.path("status").asInt()).isEqualTo(status);
		assertThat(body.path("code").asText()).isEqualTo(code);
		return body;
	}

	@Test
	void unsupportedContentTypeOrEncodingIs415() throws Exception {
		byte[] body = withInnocentSeries().v1Snappy();
		problem(client.post("/api/v1/write", body, "application/json", "snappy"), 415, "unsupported");
		problem(client.post("/api/v1/write", body, "application/x-protobuf;proto=io.prometheus.write.v3.Request", null), 415,
				"unsupported");
		JsonNode gzip = problem(client.post("/write", body, "application/x-protobuf", "gzip"), 415, "unsupported");
		assertThat(gzip.path("detail").asText()).contains("gzip");
		assertThat(innocentRows()).isZero();
	}

	@Test
	void bodiesOverTheLimitsAre413() throws Exception {
		problem(client.post("/api/v1/write", new byte[64 * 1024 + 1], "application/x-protobuf", "snappy"), 413, "too_large");
		// small on the wire, but its snappy header declares 300 KB
		byte[] bomb = RemoteWriteRequests.snappy(new byte[300 * 1024]);
		assertThat(bomb.length).isLessThan(64 * 1024);
		JsonNode body = problem(client.post("/api/v1/write", bomb, null, null), 413, "too_large");
		assertThat(body.path("detail").asText()).contains("declared");
		problem(client.post("/api/v1/write", RemoteWriteRequests.zstdStreamed(new byte[300 * 1024]), null, "zstd"), 413,
				"too_large");
	}

	@Test
	void undecodableBodiesAre400() throws Exception {
		double before = client.metric("gateway_ingest_requests_total{outcome=\"malformed\"}");
		problem(client.post("/api/v1/write", "not snappy at all".getBytes(), null, "snappy"), 400, "malformed");
		problem(client.post("/api/v1/write", RemoteWriteRequests.snappy("not protobuf either".getBytes()), null, null), 400,
				"malformed");
		byte[] truncated = withInnocentSeries().v1().toByteArray();
		truncated = java.util.Arrays.copyOf(truncated, truncated.length - 3);
		problem(client.post("/api/v1/write", RemoteWriteRequests.snappy(truncated), null, null), 400, "malformed");
		problem(client.post("/api/v1/write", new byte[] { 1, 2, 3 }, null, "zstd"), 400, "malformed");
		assertThat(client.metric("gateway_ingest_requests_total{outcome=\"malformed\"}") - before).isEqualTo(4);
		assertThat(innocentRows()).isZero();
	}

	@Test
	void seriesWithoutNameIsRejectedAndNamed() throws Exception {
		RemoteWriteRequests request = withInnocentSeries();
		request.series(null, "job", "nameless").sample(T0, 1);
		JsonNode body = problem(client.writeV1(request), 400, "malformed");
		assertThat(body.path("detail").asText()).contains("series 1").contains("job=nameless").contains("__name__");
		RemoteWriteRequests empty = withInnocentSeries();
		empty.series("", "job", "x").sample(T0, 1);
		assertThat(problem(client.writeV1(empty), 400, "malformed").path("detail").asText()).contains("series 1");
		assertThat(innocentRows()).isZero();
	}

	@Test
	void labelValueThatIsNotUtf8IsRejectedAndNamed() throws Exception {
		ByteArrayOutputStream label = new ByteArrayOutputStream();
		CodedOutputStream l = CodedOutputStream.newInstance(label);
		l.writeString(1, "__name__");
		l.writeBytes(2, ByteString.copyFrom(new byte[] { 'b', 'a', 'd', (byte) 0xff }));
		l.flush();
		ByteArrayOutputStream series = new ByteArrayOutputStream();
		CodedOutputStream s = CodedOutputStream.newInstance(series);
		s.writeByteArray(1, label.toByteArray());
		s.flush();
		ByteArrayOutputStream request = new ByteArrayOutputStream();
		request.write(withInnocentSeries().v1().toByteArray());
		CodedOutputStream r = CodedOutputStream.newInstance(request);
		r.writeByteArray(1, series.toByteArray());
		r.flush();
		JsonNode body = problem(client.post("/api/v1/write", RemoteWriteRequests.snappy(request.toByteArray()), null, null),
				400, "malformed");
		assertThat(body.path("detail").asText()).contains("series 1").contains("UTF-8");
		assertThat(innocentRows()).isZero();
	}

	@Test
	void remoteWrite2WithBrokenSymbolTableIs400() throws Exception {
		var good = withInnocentSeries().v2();
		var badFirst = good.toBuilder().setSymbols(0, "x").build();
		problem(client.post("/api/v1/write", RemoteWriteRequests.snappy(badFirst.toByteArray()), RemoteWriteClient.V2_TYPE,
				"snappy"), 400, "malformed");
		var outOfRange = good.toBuilder().setTimeseries(0, good.getTimeseries(0).toBuilder().setLabelsRefs(1, 77)).build();
		JsonNode body = problem(client.post("/api/v1/write", RemoteWriteRequests.snappy(outOfRange.toByteArray()),
				RemoteWriteClient.V2_TYPE, "snappy"), 400, "malformed");
		assertThat(body.path("detail").asText()).contains("series 0").contains("77");
		assertThat(innocentRows()).isZero();
	}

}
