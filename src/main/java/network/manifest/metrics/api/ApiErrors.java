package network.manifest.metrics.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The one place where API errors become response bodies, in PostgREST's shape. Each error is also
 * counted ({@code gateway.api.errors} by code and status) and server-side ones are logged, from the
 * same values, so logs and metrics agree. {@link RpcServlet} and {@link ApiErrorAdvice} write them.
 */
@Component
class ApiErrors {

	private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);

	private final MeterRegistry meters;

	ApiErrors(MeterRegistry meters) {
		this.meters = meters;
	}

	/** PostgREST's error body: every key present, null when absent. */
	@JsonPropertyOrder({ "code", "details", "hint", "message" })
	@JsonInclude(JsonInclude.Include.ALWAYS)
	record Body(String code, String details, String hint, String message) {
	}

	/** The body of an error the API raised on purpose; its status and headers are the exception's. */
	Body of(ApiException e) {
		record(e.status(), e.code());
		if (e.status() >= 500) {
			log.warn("API error {} {}: {}", e.status(), e.code(), e.getMessage());
		}
		return new Body(e.code(), e.details(), e.hint(), e.getMessage());
	}

	/** A bug, not a request problem: PostgREST's internal-error code (status 500), nothing of the cause. */
	Body unexpected(RuntimeException e) {
		record(500, "PGRSTX00");
		log.error("unexpected API failure", e);
		return new Body("PGRSTX00", null, null, "Internal server error");
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
