package network.manifest.metrics.api;

import static network.manifest.metrics.api.ApiFixtures.error;
import static network.manifest.metrics.api.ApiFixtures.token;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import java.time.Instant;
import java.util.Base64;
import java.util.Date;

import com.nimbusds.jwt.JWTClaimsSet;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Bearer tokens and database roles: PostgreSQL enforces the grants of the role a token names. */
class RpcAuthTest extends ApiHttpTestBase {

	private static final String WRITER_ONLY = "/rpc/t_writer_only";

	private Http.Response callWriterOnly(String authorization) {
		return authorization == null ? http.post(WRITER_ONLY, "{\"p_value\":\"v\"}")
				: http.post(WRITER_ONLY, "{\"p_value\":\"v\"}", "Authorization", authorization);
	}

	@Test
	void anonymousCallOfAWriterFunctionIs401WithChallenge() {
		Http.Response r = callWriterOnly(null);
		assertThat(r.status()).isEqualTo(401);
		assertThat(r.header("WWW-Authenticate")).isEqualTo("Bearer");
		assertThat(r.json()).isEqualTo(error("42501", null, null, "permission denied for function t_writer_only"));
	}

	@Test
	void writerTokenRunsAsWriter() {
		Http.Response r = callWriterOnly("Bearer " + token("writer", Instant.now().plusSeconds(60)));
		assertThat(r.status()).isEqualTo(200);
		assertThat(r.body()).isEqualTo("\"writer:v\"");
		// the scheme is case-insensitive
		assertThat(callWriterOnly("bearer " + token("writer", null)).status()).isEqualTo(200);
	}

	@Test
	void authenticatedRoleWithoutGrantIs403() {
		Http.Response r = http.get("/rpc/t_nobody", "Authorization", "Bearer " + token("writer", null));
		assertThat(r.status()).isEqualTo(403);
		assertThat(r.header("WWW-Authenticate")).isNull();
		assertThat(r.json()).isEqualTo(error("42501", null, null, "permission denied for function t_nobody"));
	}

	@Test
	void claimsAndRoleReachTheDatabase() {
		Instant exp = Instant.ofEpochSecond(Instant.now().getEpochSecond() + 60);
		Http.Response r = http.get("/rpc/t_context", "Authorization", "Bearer " + token("writer", exp));
		assertThat(r.status()).isEqualTo(200);
		assertThat(r.json().get(0).get("role").asText()).isEqualTo("writer");
		assertThat(r.json().get(0).get("claims")).isEqualTo(
				ApiFixtures.json("{\"role\":\"writer\",\"exp\":" + exp.getEpochSecond() + "}"));
	}

	@Test
	void expiredTokenIs401() {
		Http.Response r = callWriterOnly("Bearer " + token("writer", Instant.now().minusSeconds(120)));
		assertThat(r.status()).isEqualTo(401);
		assertThat(r.header("WWW-Authenticate"))
			.isEqualTo("Bearer error=\"invalid_token\", error_description=\"JWT expired\"");
		assertThat(r.json()).isEqualTo(error("PGRST303", null, null, "JWT expired"));
		// within the 30 s clock skew it is still accepted
		assertThat(callWriterOnly("Bearer " + token("writer", Instant.now().minusSeconds(5))).status()).isEqualTo(200);
	}

	@Test
	void notYetValidTokenIs401() {
		String early = ApiFixtures.sign(new JWTClaimsSet.Builder().claim("role", "writer")
			.notBeforeTime(Date.from(Instant.now().plusSeconds(600)))
			.build(), ApiFixtures.SECRET);
		assertThat(callWriterOnly("Bearer " + early).json())
			.isEqualTo(error("PGRST303", null, null, "JWT not yet valid"));
	}

	@Test
	void wronglySignedTokenIs401() {
		String forged = ApiFixtures.sign(new JWTClaimsSet.Builder().claim("role", "writer").build(),
				"another-secret-that-is-at-least-32-characters");
		Http.Response r = callWriterOnly("Bearer " + forged);
		assertThat(r.status()).isEqualTo(401);
		assertThat(r.json()).isEqualTo(error("PGRST301", null, null, "JWT cryptographic operation failed"));
	}

	@Test
	void unsignedTokenIs401() {
		Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
		String none = b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
				+ b64.encodeToString("{\"role\":\"writer\"}".getBytes(StandardCharsets.UTF_8)) + ".";
		Http.Response r = callWriterOnly("Bearer " + none);
		assertThat(r.status()).isEqualTo(401);
		assertThat(r.json()).isEqualTo(error("PGRST301", null, null, "JWT cryptographic operation failed"));
		Http.Response twoParts = callWriterOnly("Bearer abc.def");
		assertThat(twoParts.json()).isEqualTo(error("PGRST301", null, null, "Expected 3 parts in JWT; got 2"));
	}

	@Test
	void rolesOffTheAllowListAre401() {
		for (String role : new String[] { "postgres", "authenticator", "no_such_role" }) {
			Http.Response r = http.get("/rpc/t_sum?p_a=1&p_b=2", "Authorization", "Bearer " + token(role, null));
			assertThat(r.status()).as(role).isEqualTo(401);
			assertThat(r.json()).as(role)
				.isEqualTo(error("PGRST303", null, null, "JWT role is not allowed: " + role));
		}
	}

	@Test
	void tokenWithoutRoleClaimRunsAsAnonymous() {
		String noRole = ApiFixtures.sign(new JWTClaimsSet.Builder().subject("someone").build(), ApiFixtures.SECRET);
		Http.Response r = http.get("/rpc/t_context", "Authorization", "Bearer " + noRole);
		assertThat(r.json().get(0).get("role").asText()).isEqualTo("web_anon");
	}

}
