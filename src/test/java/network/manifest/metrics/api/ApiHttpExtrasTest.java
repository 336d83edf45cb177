package network.manifest.metrics.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;

import java.util.zip.GZIPInputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.luben.zstd.Zstd;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import org.springframework.http.MediaType;

/** Compression, CORS and the OpenAPI description, over real HTTP. */
class ApiHttpExtrasTest extends ApiHttpTestBase {

	private static final String BIG = "/rpc/t_big";

	@Test
	void gzipAboveTheThreshold() throws IOException {
		Http.Response plain = http.get(BIG);
		Http.Response gzip = http.get(BIG, "Accept-Encoding", "gzip, deflate");
		assertThat(plain.header("Content-Encoding")).isNull();
		assertThat(gzip.status()).isEqualTo(200);
		assertThat(gzip.header("Content-Encoding")).isEqualTo("gzip");
		assertThat(gzip.raw().headers().allValues("Vary")).anySatisfy(v -> assertThat(v).contains("Accept-Encoding"));
		assertThat(gzip.raw().body().length).isLessThan(plain.raw().body().length / 3);
		byte[] inflated = new GZIPInputStream(new ByteArrayInputStream(gzip.raw().body())).readAllBytes();
		assertThat(inflated).isEqualTo(plain.raw().body());
		assertThat(MediaType.parseMediaType(gzip.header("Content-Type")).isCompatibleWith(MediaType.APPLICATION_JSON))
			.isTrue();
	}

	@Test
	void zstdWhenPreferred() {
		Http.Response plain = http.get(BIG);
		Http.Response zstd = http.get(BIG, "Accept-Encoding", "gzip;q=0.5, zstd");
		assertThat(zstd.header("Content-Encoding")).isEqualTo("zstd");
		byte[] inflated = Zstd.decompress(zstd.raw().body(), plain.raw().body().length);
		assertThat(inflated).isEqualTo(plain.raw().body());
		assertThat(http.get(BIG, "Accept-Encoding", "zstd;q=0.1, gzip").header("Content-Encoding")).isEqualTo("gzip");
		assertThat(http.get(BIG, "Accept-Encoding", "zstd;q=0, gzip;q=0").header("Content-Encoding")).isNull();
	}

	@Test
	void smallResponsesStayUncompressed() {
		Http.Response small = http.get("/rpc/t_sum?p_a=1&p_b=2", "Accept-Encoding", "gzip");
		assertThat(small.header("Content-Encoding")).isNull();
		assertThat(small.body()).isEqualTo("3");
	}

	@Test
	void corsLikePostgrest() {
		Http.Response actual = http.get("/rpc/t_sum?p_a=1&p_b=2", "Origin", "https://dashboard.example");
		assertThat(actual.header("Access-Control-Allow-Origin")).isEqualTo("*");
		assertThat(actual.header("Access-Control-Expose-Headers")).contains("Content-Range", "Content-Encoding");
		Http.Response preflight = http.send("OPTIONS", "/rpc/t_sum", null, "Origin", "https://dashboard.example",
				"Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "authorization, content-type");
		assertThat(preflight.status()).isEqualTo(200);
		assertThat(preflight.header("Access-Control-Allow-Origin")).isEqualTo("*");
		assertThat(preflight.header("Access-Control-Allow-Methods")).contains("GET", "POST", "HEAD", "OPTIONS");
		assertThat(preflight.header("Access-Control-Allow-Headers")).containsIgnoringCase("authorization");
		assertThat(preflight.header("Access-Control-Max-Age")).isEqualTo("86400");
	}

	@Test
	void openApiDescribesTheCatalog() {
		Http.Response r = http.get("/");
		assertThat(r.status()).isEqualTo(200);
		assertThat(MediaType.parseMediaType(r.header("Content-Type")).equalsTypeAndSubtype(RpcMediaTypes.OPENAPI))
			.isTrue();
		JsonNode doc = r.json();
		assertThat(doc.get("swagger").asText()).isEqualTo("2.0");
		JsonNode rows = doc.at("/paths/~1rpc~1t_rows");
		assertThat(rows.at("/get/summary").asText()).isEqualTo("Test rows");
		assertThat(rows.at("/get/parameters")).hasSize(3);
		assertThat(rows.at("/get/parameters/1")).isEqualTo(ApiFixtures
			.json("{\"name\":\"p_step\",\"in\":\"query\",\"required\":true,\"type\":\"string\",\"format\":\"interval\"}"));
		assertThat(rows.at("/get/parameters/2/required").asBoolean()).isFalse();
		assertThat(rows.at("/post/parameters/0/schema/required")).isEqualTo(ApiFixtures.json("[\"p_from\",\"p_step\"]"));
		assertThat(rows.at("/get/responses/200/schema/items/properties/timestamp/format").asText())
			.isEqualTo("timestamp with time zone");
		// volatile functions are POST-only
		assertThat(doc.at("/paths/~1rpc~1t_probe_add").has("get")).isFalse();
		assertThat(doc.at("/paths/~1rpc~1t_probe_add").has("post")).isTrue();
		assertThat(http.get("/openapi.json").json()).isEqualTo(doc);
	}

}
