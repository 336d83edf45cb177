package network.manifest.metrics.ingest;

import java.time.Duration;

import org.springframework.http.HttpStatus;

/**
 * Every way a remote-write request can fail, with the HTTP status its sender must see: 4xx for requests
 * that can never succeed (senders drop them), 5xx for trouble worth retrying. Rendered as problem details
 * by {@link IngestExceptionHandler}; {@link #code()} is stable and also the metrics outcome.
 */
class IngestException extends RuntimeException {

	private final HttpStatus status;

	private final String code;

	private final Duration retryAfter;

	private IngestException(HttpStatus status, String code, String message, Duration retryAfter, Throwable cause) {
		super(message, cause);
		this.status = status;
		this.code = code;
		this.retryAfter = retryAfter;
	}

	static IngestException malformed(String message) {
		return new IngestException(HttpStatus.BAD_REQUEST, "malformed", message, null, null);
	}

	static IngestException malformed(String message, Throwable cause) {
		return new IngestException(HttpStatus.BAD_REQUEST, "malformed", message, null, cause);
	}

	static IngestException tooLarge(String message) {
		return new IngestException(HttpStatus.PAYLOAD_TOO_LARGE, "too_large", message, null, null);
	}

	static IngestException unsupported(String message) {
		return new IngestException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported", message, null, null);
	}

	/** The database cannot take the write now; the sender should retry after {@code retryAfter}. */
	static IngestException unavailable(String message, Duration retryAfter, Throwable cause) {
		return new IngestException(HttpStatus.SERVICE_UNAVAILABLE, "unavailable", message, retryAfter, cause);
	}

	/** An unexpected database error: still a 5xx so that nothing is lost, but not a transient one. */
	static IngestException databaseError(String message, Throwable cause) {
		return new IngestException(HttpStatus.INTERNAL_SERVER_ERROR, "database_error", message, null, cause);
	}

	HttpStatus status() {
		return status;
	}

	String code() {
		return code;
	}

	/** Seconds for the Retry-After header, or null. */
	Duration retryAfter() {
		return retryAfter;
	}

}
