package network.manifest.metrics.ingest;

import java.io.IOException;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Prometheus remote write: {@code /api/v1/write}, and {@code /write} for vmalert with
 * {@code -remoteWrite.disablePathAppend}. 204 only once the whole request is committed.
 */
@RestController
class RemoteWriteController {

	static final String SAMPLES_WRITTEN = "X-Prometheus-Remote-Write-Samples-Written";

	static final String HISTOGRAMS_WRITTEN = "X-Prometheus-Remote-Write-Histograms-Written";

	static final String EXEMPLARS_WRITTEN = "X-Prometheus-Remote-Write-Exemplars-Written";

	private final RemoteWriteIngest ingest;

	RemoteWriteController(RemoteWriteIngest ingest) {
		this.ingest = ingest;
	}

	@PostMapping({ "/api/v1/write", "/write" })
	ResponseEntity<Void> write(HttpServletRequest request) throws IOException {
		RemoteWriteIngest.Result result = ingest.ingest(request.getHeader("Content-Type"),
				request.getHeader("Content-Encoding"), request.getContentLengthLong(), request.getInputStream());
		ResponseEntity.HeadersBuilder<?> response = ResponseEntity.noContent();
		if (result.version() == RemoteWriteFormat.Version.V2) {
			// 2.0 senders treat a 2xx without these headers as "receiver does not speak 2.0"
			response.header(SAMPLES_WRITTEN, Long.toString(result.samplesWritten()))
				.header(HISTOGRAMS_WRITTEN, "0")
				.header(EXEMPLARS_WRITTEN, "0");
		}
		return response.build();
	}

}
