package network.manifest.metrics.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Sends remote-write requests to a running application over real HTTP, as Prometheus and vmalert do. */
final class RemoteWriteClient {

	static final String V2_TYPE = "application/x-protobuf;proto=io.prometheus.write.v2.Request";

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

	private final String base;

	RemoteWriteClient(int port) {
		this.base = "http://127.0.0.1:" + port;
	}

	HttpResponse<String> post(String path, byte[] body, String contentType, String contentEncoding) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
			.timeout(Duration.ofMinutes(5))
			.header("X-Prometheus-Remote-Write-Version", "0.1.0")
			.POST(HttpRequest.BodyPublishers.ofByteArray(body));
		if (contentType != null) {
			request.header("Content-Type", contentType);
		}
		if (contentEncoding != null) {
			request.header("Content-Encoding", contentEncoding);
		}
		return send(request.build());
	}

	/** Remote write 1.0 as Prometheus sends it: snappy, application/x-protobuf. */
	HttpResponse<String> writeV1(RemoteWriteRequests request) {
		return post("/api/v1/write", request.v1Snappy(), "application/x-protobuf", "snappy");
	}

	/**
	 * Like a remote-write sender: a 503 for an unavailable or busy database (the test server is shared
	 * and its connection slots can run out) is resent after a pause. A 503 for write conflicts that
	 * outlasted the service's own retries is returned, so tests still see it.
	 */
	HttpResponse<String> writeV1Retrying(RemoteWriteRequests request) {
		byte[] body = request.v1Snappy();
		for (int attempt = 1;; attempt++) {
			HttpResponse<String> response = post("/api/v1/write", body, "application/x-protobuf", "snappy");
			if (response.statusCode() != 503 || response.body().contains("write conflict") || attempt == 30) {
				return response;
			}
			try {
				Thread.sleep(200L * Math.min(attempt, 5));
			}
			catch (InterruptedException e) {
				Thread.currentThread().interrupt();
				return response;
			}
		}
	}

	HttpResponse<String> get(String path) {
		return send(HttpRequest.newBuilder(URI.create(base + path)).GET().build());
	}

	/** The value of one sample line of /actuator/prometheus (0 when absent). */
	double metric(String nameAndLabels) {
		String text = get("/actuator/prometheus").body();
		Matcher m = Pattern.compile("(?m)^" + Pattern.quote(nameAndLabels) + " (\\S+)$").matcher(text);
		return m.find() ? Double.parseDouble(m.group(1)) : 0;
	}

	private HttpResponse<String> send(HttpRequest request) {
		try {
			return http.send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(e);
		}
	}

}
