package network.manifest.metrics.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** The one place where API errors become responses, in PostgREST's body shape. */
@RestControllerAdvice(assignableTypes = { RpcController.class, OpenApiController.class })
class ApiErrorAdvice {

	private static final Logger log = LoggerFactory.getLogger(ApiErrorAdvice.class);

	/** PostgREST's error body: every key present, null when absent. */
	@JsonPropertyOrder({ "code", "details", "hint", "message" })
	@JsonInclude(JsonInclude.Include.ALWAYS)
	record Body(String code, String details, String hint, String message) {
	}

	@ExceptionHandler(ApiException.class)
	ResponseEntity<Body> apiError(ApiException e) {
		if (e.status() >= 500) {
			log.warn("/rpc error {} {}: {}", e.status(), e.code(), e.getMessage());
		}
		return ResponseEntity.status(e.status())
			.headers(e.headers())
			.contentType(RpcMediaTypes.JSON)
			.body(new Body(e.code(), e.details(), e.hint(), e.getMessage()));
	}

}
