package network.manifest.metrics.api;

import static network.manifest.metrics.api.ApiFixtures.error;
import static network.manifest.metrics.api.ApiFixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import org.springframework.http.MediaType;

/** {@code /rpc} calls over real HTTP against the real database: arguments, result shapes, query parameters. */
class RpcCallTest extends ApiHttpTestBase {

	private static final String ROWS = "/rpc/t_rows?p_from=2024-01-01T00%3A00%3A00Z&p_step=1+hour";

	@Autowired
	MeterRegistry meters;

	@Test
	void getReturnsRowsAsPostgresRendersThem() {
		Http.Response r = http.get(ROWS + "&p_count=2");
		assertThat(r.status()).isEqualTo(200);
		assertThat(MediaType.parseMediaType(r.header("Content-Type")))
			.isEqualTo(MediaType.parseMediaType("application/json;charset=utf-8"));
		assertThat(r.header("Content-Range")).isEqualTo("0-1/*");
		assertThat(r.json()).isEqualTo(json("""
				[{"timestamp":"2024-01-01T01:00:00+00:00","value":"10","n":1},
				 {"timestamp":"2024-01-01T02:00:00+00:00","value":"20","n":2}]"""));
		// text stays a JSON string, timestamptz is PostgreSQL's JSON rendering in UTC
		assertThat(r.body()).contains("\"timestamp\":\"2024-01-01T01:00:00+00:00\"", "\"value\":\"10\"");
	}

	@Test
	void postWithJsonOrFormBodyGivesTheSameResult() {
		Http.Response get = http.get(ROWS);
		Http.Response post = http.post("/rpc/t_rows",
				"{\"p_from\":\"2024-01-01T00:00:00Z\",\"p_step\":\"1 hour\"}", "Content-Type", "application/json");
		Http.Response noType = http.post("/rpc/t_rows", "{\"p_from\":\"2024-01-01T00:00:00Z\",\"p_step\":\"1 hour\"}");
		Http.Response form = http.post("/rpc/t_rows", "p_from=2024-01-01T00%3A00%3A00Z&p_step=1+hour",
				"Content-Type", "application/x-www-form-urlencoded");
		assertThat(get.status()).isEqualTo(200);
		assertThat(get.json()).hasSize(3);
		assertThat(post.status()).isEqualTo(200);
		assertThat(post.json()).isEqualTo(get.json());
		assertThat(noType.json()).isEqualTo(get.json());
		assertThat(form.json()).isEqualTo(get.json());
	}

	@Test
	void scalarsAreBareJsonValues() {
		assertThat(http.get("/rpc/t_sum?p_a=1.5&p_b=2").body()).isEqualTo("3.5");
		assertThat(http.post("/rpc/t_sum", "{\"p_a\":123427004070058399998,\"p_b\":0.001}").body())
			.isEqualTo("123427004070058399998.001");
		assertThat(http.get("/rpc/t_text?p_value=a+b").body()).isEqualTo("\"a b\"");
		// the body goes out as the database's UTF-8 bytes
		assertThat(http.get("/rpc/t_text?p_value=Z%C3%BCrich+%E2%82%AC").raw().body())
			.isEqualTo("\"Zürich €\"".getBytes(java.nio.charset.StandardCharsets.UTF_8));
		assertThat(http.get("/rpc/t_null").body()).isEqualTo("null");
		assertThat(http.get("/rpc/t_series?p_n=3").json()).isEqualTo(json("[1,2,3]"));
		assertThat(http.get("/rpc/t_pair?p_a=7").json()).isEqualTo(json("[{\"a\":7,\"b\":\"b7\"}]"));
		assertThat(http.get("/rpc/t_record?p_a=7").json()).isEqualTo(json("{\"x\":7,\"y\":\"y\"}"));
		assertThat(http.get("/rpc/t_record_sum?p_a=7").body()).isEqualTo("8");
	}

	@Test
	void voidIs204WithoutBodyAndTheWriteIsCommitted() {
		Http.Response r = http.post("/rpc/t_probe_add", "{\"p_value\":\"void-call\"}");
		assertThat(r.status()).isEqualTo(204);
		assertThat(r.body()).isEmpty();
		assertThat(r.header("Content-Type")).isNull();
		assertThat(jdbc.queryForObject("select count(*) from t_probe where value = 'void-call'", Long.class))
			.isEqualTo(1);
	}

	@Test
	void unknownFunctionIs404WithTheClosestNameAsHint() {
		Http.Response r = http.get("/rpc/t_rowz?p_from=x");
		assertThat(r.status()).isEqualTo(404);
		assertThat(r.json()).isEqualTo(error("PGRST202",
				"Searched for the function api.t_rowz with parameter p_from, but no matches were found in the schema cache.",
				"Perhaps you meant to call the function api.t_rows",
				"Could not find the function api.t_rowz(p_from) in the schema cache"));
		Http.Response none = http.get("/rpc/zzzzzzzzzzzzzzzzzzzz");
		assertThat(none.json()).isEqualTo(error("PGRST202",
				"Searched for the function api.zzzzzzzzzzzzzzzzzzzz without parameters, but no matches were found in the schema cache.",
				null, "Could not find the function api.zzzzzzzzzzzzzzzzzzzz without parameters in the schema cache"));
	}

	@Test
	void errorsAreCountedByCode() {
		double before = meters.counter("gateway.api.errors", "code", "PGRST202", "status", "404").count();
		http.get("/rpc/t_no_such_function");
		http.get("/rpc/t_no_such_function");
		assertThat(meters.counter("gateway.api.errors", "code", "PGRST202", "status", "404").count())
			.isEqualTo(before + 2);
	}

	@Test
	void callsAreTimedUnderOnePathPatternForAllFunctions() {
		long before = rpcRequests("200");
		http.get("/rpc/t_sum?p_a=1&p_b=2");
		http.get("/rpc/t_rows?p_from=2024-01-01T00%3A00%3A00Z&p_step=1+hour");
		long notFoundBefore = rpcRequests("404");
		http.get("/rpc/t_no_such_function");
		assertThat(rpcRequests("200")).isEqualTo(before + 2);
		assertThat(rpcRequests("404")).isEqualTo(notFoundBefore + 1);
	}

	private long rpcRequests(String status) {
		var timer = meters.find("http.server.requests").tag("uri", "/rpc/{function}").tag("status", status).timer();
		return timer == null ? 0 : timer.count();
	}

	@Test
	void pathsThatAreNotOneFunctionNameAre404() {
		for (String path : new String[] { "/rpc", "/rpc/", "/rpc/t_sum/extra" }) {
			Http.Response r = http.get(path);
			assertThat(r.status()).as(path).isEqualTo(404);
			assertThat(r.json()).as(path)
				.isEqualTo(error("PGRST125", null, null, "Invalid path specified in request URL"));
		}
	}

	@Test
	void unknownOrMissingArgumentsAre404WithTheRealSignatureAsHint() {
		Http.Response r = http.get("/rpc/t_sum?p_a=1&p_x=2");
		assertThat(r.status()).isEqualTo(404);
		assertThat(r.json()).isEqualTo(error("PGRST202",
				"Searched for the function api.t_sum with parameters p_a, p_x, but no matches were found in the schema cache.",
				"Perhaps you meant to call the function api.t_sum(p_a, p_b)",
				"Could not find the function api.t_sum(p_a, p_x) in the schema cache"));
		assertThat(http.get("/rpc/t_sum?p_a=1").status()).isEqualTo(404);
	}

	@Test
	void malformedValueIs400WithPostgresError() {
		Http.Response r = http.get("/rpc/t_rows?p_from=2024-01-01T00%3A00%3A00Z&p_step=1+lightyear");
		assertThat(r.status()).isEqualTo(400);
		assertThat(r.json())
			.isEqualTo(error("22007", null, null, "invalid input syntax for type interval: \"1 lightyear\""));
		assertThat(http.post("/rpc/t_sum", "{\"p_a\":\"x\",\"p_b\":1}").json())
			.isEqualTo(error("22P02", null, null, "invalid input syntax for type numeric: \"x\""));
	}

	@Test
	void postgresErrorsKeepCodeMessageDetailsAndHint() {
		Http.Response raised = http.get("/rpc/t_raise?p_code=P0001");
		assertThat(raised.status()).isEqualTo(400);
		assertThat(raised.json()).isEqualTo(error("P0001", "some detail", "some hint", "raised P0001"));
		assertThat(http.get("/rpc/t_raise?p_code=23505").status()).isEqualTo(409);
		assertThat(http.get("/rpc/t_raise?p_code=PT418").status()).isEqualTo(418);
		assertThat(http.get("/rpc/t_raise?p_code=XX000").status()).isEqualTo(500);
	}

	@Test
	void invalidJsonBodyIs400() {
		Http.Response r = http.post("/rpc/t_sum", "{\"p_a\":", "Content-Type", "application/json");
		assertThat(r.status()).isEqualTo(400);
		assertThat(r.json()).isEqualTo(error("PGRST102", null, null, "Empty or invalid json"));
		assertThat(http.post("/rpc/t_sum", "[1,2]").json().get("code").asText()).isEqualTo("PGRST102");
	}

	@Test
	void limitOffsetOrderAndSelectShapeSetResults() {
		Http.Response r = http.get(ROWS + "&p_count=5&order=n.desc&limit=2&offset=1&select=n,v:value");
		assertThat(r.status()).isEqualTo(200);
		assertThat(r.json()).isEqualTo(json("[{\"n\":4,\"v\":\"40\"},{\"n\":3,\"v\":\"30\"}]"));
		assertThat(r.header("Content-Range")).isEqualTo("1-2/*");
		assertThat(http.get(ROWS + "&order=timestamp.desc").json().get(0).get("n").asInt()).isEqualTo(3);
		assertThat(http.get(ROWS + "&limit=0").body()).isEqualTo("[]");
		assertThat(http.get(ROWS + "&limit=0").header("Content-Range")).isEqualTo("*/*");
	}

	@Test
	void filtersApplyToResultColumnsAndAreNotArguments() {
		assertThat(http.get(ROWS + "&p_count=5&n=gte.2&value=neq.30&order=n").json()).isEqualTo(json("""
				[{"timestamp":"2024-01-01T02:00:00+00:00","value":"20","n":2},
				 {"timestamp":"2024-01-01T04:00:00+00:00","value":"40","n":4},
				 {"timestamp":"2024-01-01T05:00:00+00:00","value":"50","n":5}]"""));
		assertThat(http.get(ROWS + "&p_count=5&n=in.(1,5)&select=n").json()).isEqualTo(json("[{\"n\":1},{\"n\":5}]"));
		assertThat(http.get(ROWS + "&timestamp=lt.2024-01-01T02%3A00%3A00%2B00%3A00&select=n").json())
			.isEqualTo(json("[{\"n\":1}]"));
		assertThat(http.get(ROWS + "&n=not.eq.1&value=like.*0&select=n").json())
			.isEqualTo(json("[{\"n\":2},{\"n\":3}]"));
	}

	@Test
	void unknownColumnsInSelectOrderOrFiltersAre400() {
		Http.Response r = http.get(ROWS + "&order=nope.desc");
		assertThat(r.status()).isEqualTo(400);
		assertThat(r.json()).isEqualTo(error("42703", null, null, "column t_rows.nope does not exist"));
		assertThat(http.get(ROWS + "&select=n,nope").status()).isEqualTo(400);
		assertThat(http.get(ROWS + "&nope=eq.1").status()).isEqualTo(400);
		assertThat(http.get(ROWS + "&order=n.sideways").json().get("code").asText()).isEqualTo("PGRST100");
		assertThat(http.get(ROWS + "&limit=-1").status()).isEqualTo(400);
	}

	@Test
	void csvOnRequest() {
		Http.Response r = http.get(ROWS + "&p_count=2", "Accept", "text/csv");
		assertThat(r.status()).isEqualTo(200);
		assertThat(MediaType.parseMediaType(r.header("Content-Type")))
			.isEqualTo(MediaType.parseMediaType("text/csv;charset=utf-8"));
		assertThat(r.body()).isEqualTo("""
				timestamp,value,n
				"2024-01-01 01:00:00+00",10,1
				"2024-01-01 02:00:00+00",20,2""");
		assertThat(http.get("/rpc/t_text?p_value=a%2Cb", "Accept", "text/csv").body()).isEqualTo("a,b");
		assertThat(http.get("/rpc/t_null", "Accept", "text/csv").body()).isEmpty();
	}

	@Test
	void singleObjectOnRequestAndUnsupportedAcceptIs406() {
		Http.Response one = http.get(ROWS + "&p_count=1", "Accept", "application/vnd.pgrst.object+json");
		assertThat(one.status()).isEqualTo(200);
		assertThat(one.json()).isEqualTo(json("{\"timestamp\":\"2024-01-01T01:00:00+00:00\",\"value\":\"10\",\"n\":1}"));
		Http.Response two = http.get(ROWS + "&p_count=2", "Accept", "application/vnd.pgrst.object+json");
		assertThat(two.status()).isEqualTo(406);
		assertThat(two.json()).isEqualTo(error("PGRST116", "The result contains 2 rows", null,
				"Cannot coerce the result to a single JSON object"));
		Http.Response xml = http.get(ROWS, "Accept", "application/xml");
		assertThat(xml.status()).isEqualTo(406);
		assertThat(xml.json()).isEqualTo(error("PGRST107", null, null,
				"None of these media types are available: application/xml"));
		assertThat(http.get(ROWS, "Accept", "*/*").status()).isEqualTo(200);
	}

	@Test
	void headAnswersLikeGetWithoutBody() {
		Http.Response r = http.send("HEAD", ROWS, null);
		assertThat(r.status()).isEqualTo(200);
		assertThat(r.body()).isEmpty();
		assertThat(r.header("Content-Range")).isEqualTo("0-2/*");
	}

	@Test
	void optionsListsMethodsAndOtherMethodsAre405() {
		assertThat(http.send("OPTIONS", "/rpc/t_rows", null).header("Allow")).isEqualTo("OPTIONS,GET,HEAD,POST");
		assertThat(http.send("OPTIONS", "/rpc/t_probe_add", null).header("Allow")).isEqualTo("OPTIONS,POST");
		Http.Response delete = http.send("DELETE", "/rpc/t_rows", null);
		assertThat(delete.status()).isEqualTo(405);
		assertThat(delete.json()).isEqualTo(error("PGRST101", null, null, "Cannot use the DELETE method on RPC"));
	}

	@Test
	void writesUnderGetFailWith405() {
		Http.Response r = http.get("/rpc/t_probe_add?p_value=under-get");
		assertThat(r.status()).isEqualTo(405);
		assertThat(r.json().get("code").asText()).isEqualTo("25006");
		assertThat(jdbc.queryForObject("select count(*) from t_probe where value = 'under-get'", Long.class))
			.isZero();
	}

	@Test
	void sqlInjectionInNamesAndValuesChangesNothing() {
		long before = jdbc.queryForObject("select count(*) from t_probe", Long.class);
		String payload = "x'); drop table t_probe; --";
		Http.Response value = http.post("/rpc/t_text", "{\"p_value\":\"" + payload.replace("'", "'") + "\"}");
		assertThat(value.status()).isEqualTo(200);
		assertThat(value.json().asText()).isEqualTo(payload);
		assertThat(http.get("/rpc/t_text%3Bdrop%20table%20t_probe?p_value=1").status()).isEqualTo(404);
		assertThat(http.get("/rpc/t_text?p_value=1&p_value%22%20%3A%3D%20null)%3Bdrop%20table%20t_probe%3B--=1")
			.status()).isEqualTo(404);
		assertThat(http.get(ROWS + "&order=n%22%3Bdrop%20table%20t_probe%3B--").status()).isEqualTo(400);
		assertThat(http.get(ROWS + "&select=n,%22x%22:n").json().get(0).has("\"x\"")).isTrue();
		assertThat(http.get(ROWS + "&n=eq.1%3Bdrop%20table%20t_probe").status()).isEqualTo(400);
		assertThat(jdbc.queryForObject("select count(*) from t_probe", Long.class)).isEqualTo(before);
	}

	@Test
	void requestContextIsTransactionLocalAndUtc() {
		Http.Response r = http.get("/rpc/t_context", "User-Agent", "context-probe");
		assertThat(r.status()).isEqualTo(200);
		assertThat(r.json()).isEqualTo(json("""
				[{"role":"web_anon","claims":{"role":"web_anon"},"method":"GET","path":"/rpc/t_context",
				  "read_only":"on","time_zone":"UTC","user_agent":"context-probe"}]"""));
		Http.Response post = http.post("/rpc/t_context", "{}");
		assertThat(post.json().get(0).get("read_only").asText()).isEqualTo("on");
		assertThat(post.json().get(0).get("method").asText()).isEqualTo("POST");
	}

}
