package network.manifest.metrics.api;

import java.io.IOException;

import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** Errors of the API's Spring MVC endpoints ({@code /}, {@code /openapi.json}), written by {@link ApiErrors}. */
@RestControllerAdvice(assignableTypes = OpenApiController.class)
class ApiErrorAdvice {

	private final ApiErrors errors;

	ApiErrorAdvice(ApiErrors errors) {
		this.errors = errors;
	}

	@ExceptionHandler(ApiException.class)
	void apiError(ApiException e, HttpServletResponse response) throws IOException {
		errors.write(response, e);
	}

	@ExceptionHandler(RuntimeException.class)
	void unexpected(RuntimeException e, HttpServletResponse response) throws IOException {
		errors.writeUnexpected(response, e);
	}

}
