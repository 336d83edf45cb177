package network.manifest.metrics.api;

import org.springframework.http.HttpHeaders;

/**
 * Root of the API's errors. Each carries what PostgREST's error body and status carry: a stable code
 * (PGRST1xx request, 2xx catalog, 3xx JWT, 0xx connection; a SQLSTATE for database errors), message,
 * details and hint. {@link ApiErrors} renders them all.
 */
abstract sealed class ApiException extends RuntimeException
		permits RequestError, CatalogError, JwtError, DatabaseError {

	private final int status;

	private final String code;

	private final String details;

	private final String hint;

	private final HttpHeaders headers;

	ApiException(int status, String code, String message, String details, String hint, HttpHeaders headers,
			Throwable cause) {
		super(message, cause, false, false);
		this.status = status;
		this.code = code;
		this.details = details;
		this.hint = hint;
		this.headers = headers == null ? HttpHeaders.EMPTY : HttpHeaders.readOnlyHttpHeaders(headers);
	}

	int status() {
		return status;
	}

	String code() {
		return code;
	}

	String details() {
		return details;
	}

	String hint() {
		return hint;
	}

	/** Extra response headers, e.g. {@code WWW-Authenticate}. */
	HttpHeaders headers() {
		return headers;
	}

}
