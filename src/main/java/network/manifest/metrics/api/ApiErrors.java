package network.manifest.metrics.api;

import java.io.IOException;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;

/**
 * The one place where API errors become responses, in PostgREST's body shape, for {@link RpcServlet}
 * and (through {@link ApiErrorAdvice}) the MVC endpoints. Each error is also counted
 * ({@code gateway.api.errors} by code and status) and server-side ones are logged, from the same values,
 * so logs and metrics agree.
 */
@Component
class ApiErrors {

	private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);

	private final MeterRegistry meters;

	private final ObjectMapper json;

	ApiErrors(MeterRegistry meters, ObjectMapper json) {
		this.meters = meters;
		this.json = json;
	}

	/** PostgREST's error body: every key present, null when absent. */
	@JsonPropertyOrder({ "code", "details", "hint", "message" })
	@JsonInclude(JsonInclude.Include.ALWAYS)
	record Body(String code, String details, String hint, String message) {
	}

	/** An error the API raised on purpose: its status, headers and body. */
	void write(HttpServletResponse response, ApiException e) throws IOException {
		record(e.status(), e.code());
		if (e.status() >= 500) {
			log.warn("API error {} {}: {}", e.status(), e.code(), e.getMessage());
		}
		write(response, e.status(), e.headers(), new Body(e.code(), e.details(), e.hint(), e.getMessage()));
	}

	/** A bug, not a request problem: PostgREST's internal-error code (status 500), nothing of the cause. */
	void writeUnexpected(HttpServletResponse response, RuntimeException e) throws IOException {
		record(500, "PGRSTX00");
		log.error("unexpected API failure", e);
		write(response, 500, HttpHeaders.EMPTY, new Body("PGRSTX00", null, null, "Internal server error"));
	}

	private void write(HttpServletResponse response, int status, HttpHeaders headers, Body body) throws IOException {
		if (response.isCommitted()) {
			// the status line is out: nothing left to do but end the response early
			throw new IOException("API error after the response was committed: " + body.code() + " " + body.message());
		}
		response.resetBuffer();
		response.setStatus(status);
		headers.forEach((name, values) -> values.forEach(value -> response.addHeader(name, value)));
		response.setContentType(RpcMediaTypes.JSON.toString());
		byte[] bytes = json.writeValueAsBytes(body);
		response.setContentLength(bytes.length);
		response.getOutputStream().write(bytes);
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
