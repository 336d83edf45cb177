package network.manifest.metrics.ingest;

import java.io.IOException;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** Renders ingest failures as problem details (application/problem+json) with their status. */
@RestControllerAdvice(assignableTypes = RemoteWriteController.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class IngestExceptionHandler {

	@ExceptionHandler(IngestException.class)
	ResponseEntity<ProblemDetail> ingestFailed(IngestException e) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(e.status(), e.getMessage());
		problem.setTitle(e.status().getReasonPhrase());
		problem.setProperty("code", e.code());
		ResponseEntity.BodyBuilder response = ResponseEntity.status(e.status());
		if (e.retryAfter() != null) {
			response.header(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, e.retryAfter().toSeconds())));
		}
		return response.body(problem);
	}

	/** The body could not be read (client gone or connection broken): the request never arrived whole. */
	@ExceptionHandler(IOException.class)
	ResponseEntity<ProblemDetail> bodyUnreadable(IOException e) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
				"request body could not be read: " + e.getMessage());
		problem.setProperty("code", "malformed");
		return ResponseEntity.badRequest().body(problem);
	}

}
