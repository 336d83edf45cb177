package network.manifest.metrics.api;

import java.nio.charset.StandardCharsets;

import org.springframework.http.MediaType;

/** The media types the API answers with, all UTF-8 as PostgREST sends them. */
final class RpcMediaTypes {

	static final MediaType JSON = new MediaType("application", "json", StandardCharsets.UTF_8);

	static final MediaType CSV = new MediaType("text", "csv", StandardCharsets.UTF_8);

	static final MediaType OBJECT = new MediaType("application", "vnd.pgrst.object+json", StandardCharsets.UTF_8);

	static final MediaType OPENAPI = new MediaType("application", "openapi+json", StandardCharsets.UTF_8);

	private RpcMediaTypes() {
	}

}
