package network.manifest.metrics.api;

import org.springframework.http.HttpHeaders;

/** A bearer token that is refused (PGRST3xx): always 401 with a {@code WWW-Authenticate} challenge. */
final class JwtError extends ApiException {

	private JwtError(String code, String message) {
		super(401, code, message, null, null, challenge(message), null);
	}

	static JwtError secretMissing() {
		return new JwtError("PGRST300", "Server lacks JWT secret");
	}

	/** The token cannot be decoded or its signature does not verify. */
	static JwtError invalid(String message) {
		return new JwtError("PGRST301", message);
	}

	/** The token verifies but its claims are refused. */
	static JwtError claims(String message) {
		return new JwtError("PGRST303", message);
	}

	private static HttpHeaders challenge(String description) {
		HttpHeaders headers = new HttpHeaders();
		headers.set(HttpHeaders.WWW_AUTHENTICATE,
				"Bearer error=\"invalid_token\", error_description=\"" + description.replace("\"", "'") + "\"");
		return headers;
	}

}
