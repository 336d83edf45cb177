package network.manifest.metrics.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * PostgREST's counts and ranges on set results, as {@code @supabase/postgrest-js} asks for them:
 * {@code Prefer: count=exact} gives the total in Content-Range and 206 for a part, HEAD the same headers
 * without a body, {@code Range} narrows the rows, and a range past the end is 416.
 */
class RpcCountAndRangeTest extends ApiHttpTestBase {

	private static final String FIVE = "/rpc/t_rows?p_from=2024-01-01T00:00:00Z&p_step=1+hour&p_count=5";

	private static int[] numbers(Http.Response r) {
		int[] n = new int[r.json().size()];
		for (int i = 0; i < n.length; i++) {
			n[i] = r.json().get(i).get("n").asInt();
		}
		return n;
	}

	@Test
	void countExactGivesTheTotalAnd206ForAPart() {
		Http.Response all = http.get(FIVE, "Prefer", "count=exact");
		assertThat(all.status()).isEqualTo(200);
		assertThat(all.header("Content-Range")).isEqualTo("0-4/5");

		Http.Response page = http.get(FIVE + "&limit=2&offset=1", "Prefer", "count=exact");
		assertThat(page.status()).isEqualTo(206);
		assertThat(page.header("Content-Range")).isEqualTo("1-2/5");
		assertThat(numbers(page)).containsExactly(2, 3);

		Http.Response filtered = http.get(FIVE + "&n=gt.3", "Prefer", "return=representation, count=planned");
		assertThat(filtered.header("Content-Range")).as("filters apply before the count").isEqualTo("0-1/2");

		Http.Response posted = http.post("/rpc/t_rows?limit=1",
				"{\"p_from\":\"2024-01-01T00:00:00Z\",\"p_step\":\"1 hour\",\"p_count\":5}", "Prefer", "count=exact");
		assertThat(posted.status()).isEqualTo(206);
		assertThat(posted.header("Content-Range")).isEqualTo("0-0/5");

		assertThat(http.get(FIVE).header("Content-Range")).as("no count asked").isEqualTo("0-4/*");
	}

	@Test
	void headWithCountGivesTheHeadersOnly() {
		Http.Response head = http.send("HEAD", FIVE + "&limit=3", null, "Prefer", "count=exact");
		assertThat(head.status()).isEqualTo(206);
		assertThat(head.header("Content-Range")).isEqualTo("0-2/5");
		assertThat(head.body()).isEmpty();
	}

	@Test
	void rangeHeaderNarrowsTheRows() {
		Http.Response r = http.get(FIVE, "Range", "1-2", "Range-Unit", "items", "Prefer", "count=exact");
		assertThat(r.status()).isEqualTo(206);
		assertThat(r.header("Content-Range")).isEqualTo("1-2/5");
		assertThat(numbers(r)).containsExactly(2, 3);

		Http.Response open = http.get(FIVE, "Range", "3-");
		assertThat(open.status()).isEqualTo(200);
		assertThat(open.header("Content-Range")).isEqualTo("3-4/*");
		assertThat(numbers(open)).containsExactly(4, 5);

		Http.Response both = http.get(FIVE + "&limit=2", "Range", "1-3");
		assertThat(both.header("Content-Range")).as("the narrower of limit and range").isEqualTo("1-1/*");

		assertThat(http.get(FIVE, "Range", "bytes=0-1", "Range-Unit", "bytes").header("Content-Range"))
			.as("not items: ignored").isEqualTo("0-4/*");
	}

	@Test
	void aRangePastTheEndIs416() {
		Http.Response past = http.get(FIVE + "&offset=7", "Prefer", "count=exact");
		assertThat(past.status()).isEqualTo(416);
		assertThat(past.header("Content-Range")).isEqualTo("*/5");
		assertThat(past.json().get("code").asText()).isEqualTo("PGRST103");
		assertThat(past.json().get("details").asText()).isEqualTo("An offset of 7 was requested, but there are only 5 rows.");

		Http.Response atTheEnd = http.get(FIVE + "&offset=5", "Prefer", "count=exact");
		assertThat(atTheEnd.status()).isEqualTo(206);
		assertThat(atTheEnd.header("Content-Range")).isEqualTo("*/5");

		Http.Response inverted = http.get(FIVE, "Range", "4-2");
		assertThat(inverted.status()).isEqualTo(416);
		assertThat(inverted.json().get("message").asText()).isEqualTo("Requested range not satisfiable");
	}

}
