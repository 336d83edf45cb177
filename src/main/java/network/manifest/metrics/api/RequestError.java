package network.manifest.metrics.api;

import org.springframework.http.HttpHeaders;

/** A request that cannot be understood, before any database work (PGRST1xx). */
final class RequestError extends ApiException {

	private RequestError(int status, String code, String message, String details) {
		super(status, code, message, details, null, null, null);
	}

	private RequestError(int status, String code, String message, String details, HttpHeaders headers) {
		super(status, code, message, details, null, headers, null);
	}

	/** A {@code Range} that selects nothing of a result of {@code total} rows (null: not counted). */
	static RequestError rangeNotSatisfiable(String details, Long total) {
		HttpHeaders headers = new HttpHeaders();
		headers.set(HttpHeaders.CONTENT_RANGE, "*/" + (total == null ? "*" : total));
		return new RequestError(416, "PGRST103", "Requested range not satisfiable", details, headers);
	}

	static RequestError invalidQuery(String message, String details) {
		return new RequestError(400, "PGRST100", message, details);
	}

	/** A path under {@code /rpc/} that is not one function name. */
	static RequestError invalidPath() {
		return new RequestError(404, "PGRST125", "Invalid path specified in request URL", null);
	}

	static RequestError methodNotAllowed(String method) {
		return new RequestError(405, "PGRST101", "Cannot use the " + method + " method on RPC", null);
	}

	static RequestError invalidBody() {
		return new RequestError(400, "PGRST102", "Empty or invalid json", null);
	}

	static RequestError notAcceptable(String accept) {
		return new RequestError(406, "PGRST107", "None of these media types are available: " + accept, null);
	}

	static RequestError unsupportedContentType(String contentType) {
		return new RequestError(415, "PGRST107", "Content-Type not acceptable: " + contentType, null);
	}

	static RequestError notSingleObject(long rows) {
		return new RequestError(406, "PGRST116", "Cannot coerce the result to a single JSON object",
				"The result contains " + rows + " rows");
	}

}
