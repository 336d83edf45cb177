package network.manifest.metrics.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * The one place where API errors become responses, in PostgREST's body shape. Each error is also
 * counted ({@code gateway.api.errors} by code and status) and server-side ones are logged, from the
 * same values, so logs and metrics agree.
 */
@RestControllerAdvice(assignableTypes = { RpcController.class, OpenApiController.class })
class ApiErrorAdvice {

	private static final Logger log = LoggerFactory.getLogger(ApiErrorAdvice.class);

	private final MeterRegistry meters;

	ApiErrorAdvice(MeterRegistry meters) {
		this.meters = meters;
	}

	/** PostgREST's error body: every key present, null when absent. */
	@JsonPropertyOrder({ "code", "details", "hint", "message" })
	@JsonInclude(JsonInclude.Include.ALWAYS)
	record Body(String code, String details, String hint, String message) {
	}

	@ExceptionHandler(ApiException.class)
	ResponseEntity<Body> apiError(ApiException e) {
		record(e.status(), e.code());
		if (e.status() >= 500) {
			log.warn("/rpc error {} {}: {}", e.status(), e.code(), e.getMessage());
		}
		return ResponseEntity.status(e.status())
			.headers(e.headers())
			.contentType(RpcMediaTypes.JSON)
			.body(new Body(e.code(), e.details(), e.hint(), e.getMessage()));
	}

	/** A bug, not a request problem: PostgREST's internal-error code, nothing of the cause in the body. */
	@ExceptionHandler(RuntimeException.class)
	ResponseEntity<Body> unexpected(RuntimeException e) {
		record(500, "PGRSTX00");
		log.error("unexpected /rpc failure", e);
		return ResponseEntity.status(500)
			.contentType(RpcMediaTypes.JSON)
			.body(new Body("PGRSTX00", null, null, "Internal server error"));
	}

	private void record(int status, String code) {
		Counter.builder("gateway.api.errors")
			.description("API requests answered with an error, by PostgREST code / SQLSTATE")
			.tag("code", code == null ? "none" : code)
			.tag("status", Integer.toString(status))
			.register(meters)
			.increment();
	}

}
