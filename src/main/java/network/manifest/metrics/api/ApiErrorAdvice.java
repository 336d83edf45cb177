package network.manifest.metrics.api;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

import network.manifest.metrics.api.ApiErrors.Body;

/** Errors of the API's Spring MVC endpoints ({@code /}, {@code /openapi.json}) as {@link ApiErrors} renders them. */
@RestControllerAdvice(assignableTypes = OpenApiController.class)
class ApiErrorAdvice {

	private final ApiErrors errors;

	ApiErrorAdvice(ApiErrors errors) {
		this.errors = errors;
	}

	@ExceptionHandler(ApiException.class)
	ResponseEntity<Body> apiError(ApiException e) {
		return ResponseEntity.status(e.status()).headers(e.headers()).contentType(RpcMediaTypes.JSON).body(errors.of(e));
	}

	@ExceptionHandler(RuntimeException.class)
	ResponseEntity<Body> unexpected(RuntimeException e) {
		return ResponseEntity.status(500).contentType(RpcMediaTypes.JSON).body(errors.unexpected(e));
	}

}
