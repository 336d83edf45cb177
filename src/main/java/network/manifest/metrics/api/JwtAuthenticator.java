package network.manifest.metrics.api;

import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import org.springframework.stereotype.Component;

/**
 * Turns the {@code Authorization} header into a {@link Caller}, as PostgREST does: no token means the
 * anonymous role; a token must be HS256-signed with the configured secret, within its {@code exp} /
 * {@code nbf} / {@code iat} (with clock skew) and audience, and its {@code role} claim must be on the
 * allow-list. The database then enforces that role's grants.
 */
@Component
class JwtAuthenticator {

	private final ApiProperties properties;

	private final JWSVerifier verifier;

	private final String anonymousClaims;

	private final ObjectMapper json = new ObjectMapper();

	JwtAuthenticator(ApiProperties properties) throws JOSEException {
		this.properties = properties;
		this.verifier = properties.jwtConfigured()
				? new MACVerifier(properties.jwtSecret().getBytes(StandardCharsets.UTF_8)) : null;
		try {
			this.anonymousClaims = json.writeValueAsString(java.util.Map.of("role", properties.anonymousRole()));
		}
		catch (JsonProcessingException e) {
			throw new IllegalStateException(e);
		}
	}

	Caller authenticate(String authorization) {
		String token = bearerToken(authorization);
		if (token == null) {
			return new Caller(properties.anonymousRole(), anonymousClaims, true);
		}
		if (verifier == null) {
			throw JwtError.secretMissing();
		}
		int parts = token.split("\\.", -1).length;
		if (parts != 3) {
			throw JwtError.invalid("Expected 3 parts in JWT; got " + parts);
		}
		SignedJWT jwt = verified(token);
		JWTClaimsSet claims;
		try {
			claims = jwt.getJWTClaimsSet();
		}
		catch (ParseException e) {
			throw JwtError.claims("JWT claims parsing failed");
		}
		checkTimes(claims);
		checkAudience(claims);
		Object role = claims.getClaim("role");
		if (role == null) {
			return new Caller(properties.anonymousRole(), jwt.getPayload().toString(), false);
		}
		if (!(role instanceof String name) || !properties.roles().contains(name)) {
			throw JwtError.claims("JWT role is not allowed: " + role);
		}
		return new Caller(name, jwt.getPayload().toString(), false);
	}

	private static String bearerToken(String authorization) {
		if (authorization == null || authorization.isBlank()) {
			return null;
		}
		String value = authorization.trim();
		// Other schemes (e.g. Basic from a proxy) are not ours to judge: the request stays anonymous.
		if (!value.toLowerCase(Locale.ROOT).startsWith("bearer ")) {
			return null;
		}
		return value.substring("bearer ".length()).trim();
	}

	private SignedJWT verified(String token) {
		try {
			if (!(JWTParser.parse(token) instanceof SignedJWT jwt)) {
				// alg "none"
				throw JwtError.invalid("JWT cryptographic operation failed");
			}
			if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm()) || !jwt.verify(verifier)) {
				throw JwtError.invalid("JWT cryptographic operation failed");
			}
			return jwt;
		}
		catch (ParseException | JOSEException | IllegalStateException e) {
			throw JwtError.invalid("JWT cryptographic operation failed");
		}
	}

	private void checkTimes(JWTClaimsSet claims) {
		Instant now = Instant.now();
		long skew = properties.jwtClockSkew().toSeconds();
		try {
			Date exp = claims.getDateClaim("exp");
			if (exp != null && now.isAfter(exp.toInstant().plusSeconds(skew))) {
				throw JwtError.claims("JWT expired");
			}
			Date nbf = claims.getDateClaim("nbf");
			if (nbf != null && now.isBefore(nbf.toInstant().minusSeconds(skew))) {
				throw JwtError.claims("JWT not yet valid");
			}
			Date iat = claims.getDateClaim("iat");
			if (iat != null && now.isBefore(iat.toInstant().minusSeconds(skew))) {
				throw JwtError.claims("JWT issued at future");
			}
		}
		catch (ParseException e) {
			throw JwtError.claims("JWT claims parsing failed");
		}
	}

	private void checkAudience(JWTClaimsSet claims) {
		if (properties.jwtAudience() == null) {
			return;
		}
		List<String> audience = claims.getAudience();
		if (audience == null || !audience.contains(properties.jwtAudience())) {
			throw JwtError.claims("JWT not in audience");
		}
	}

}
