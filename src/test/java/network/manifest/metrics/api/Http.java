package network.manifest.metrics.api;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;

/** A plain HTTP client on the application's random port; it never decompresses on its own. */
final class Http {

	private static final HttpClient CLIENT = HttpClient.newHttpClient();

	private final int port;

	Http(int port) {
		this.port = port;
	}

	Response get(String path, String... headers) {
		return send("GET", path, null, headers);
	}

	Response post(String path, String body, String... headers) {
		return send("POST", path, body, headers);
	}

	Response send(String method, String path, String body, String... headers) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
			.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
					: HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
		for (int i = 0; i < headers.length; i += 2) {
			request.header(headers[i], headers[i + 1]);
		}
		try {
			return new Response(CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofByteArray()));
		}
		catch (IOException e) {
			throw new IllegalStateException(e);
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(e);
		}
	}

	record Response(HttpResponse<byte[]> raw) {

		int status() {
			return raw.statusCode();
		}

		String body() {
			return new String(raw.body(), StandardCharsets.UTF_8);
		}

		JsonNode json() {
			return ApiFixtures.json(body());
		}

		String header(String name) {
			return raw.headers().firstValue(name).orElse(null);
		}

	}

}
