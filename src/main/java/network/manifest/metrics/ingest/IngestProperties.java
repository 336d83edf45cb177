package network.manifest.metrics.ingest;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Remote-write ingest settings ({@code gateway.ingest.*}); application.yml documents each one.
 * Defaults equal the old Telegraf pipeline's behaviour, so an empty section changes nothing.
 */
@ConfigurationProperties("gateway.ingest")
public record IngestProperties(@DefaultValue("64MB") DataSize maxCompressedBytes,
		@DefaultValue("256MB") DataSize maxDecompressedBytes,
		@DefaultValue("telegraf") String hostTag, @DefaultValue("common") String defaultSchema, List<Route> routes,
		List<String> cumsumSchemas, @DefaultValue("4") int poolSize, @DefaultValue("2s") Duration databaseWait,
		@DefaultValue("5s") Duration retryAfter, @DefaultValue("5") int maxAttempts,
		@DefaultValue("20ms") Duration retryBackoff, @DefaultValue("256KB") DataSize copyBuffer) {

	/** The routing rules of the old pipeline's scripts, in order (later rules win). */
	static final List<Route> DEFAULT_ROUTES = List.of(new Route("testnet", "manifest_tier", "testnet", List.of()),
			new Route("mainnet", "manifest_tier", "mainnet", List.of()),
			new Route("geo", null, null,
					List.of("manifest_geo_latitude", "manifest_geo_longitude", "manifest_geo_metadata")),
			new Route("cumsum", null, null, List.of("web_requests", "system_tcp_sent", "system_tcp_received",
					"system_network_sent", "system_network_received", "decentralized_web_requests")));

	public IngestProperties {
		routes = (routes == null) ? DEFAULT_ROUTES : List.copyOf(routes);
		cumsumSchemas = (cumsumSchemas == null) ? List.of("cumsum") : List.copyOf(cumsumSchemas);
		if (maxAttempts < 1) {
			throw new IllegalArgumentException("gateway.ingest.max-attempts must be at least 1");
		}
		if (poolSize < 1) {
			throw new IllegalArgumentException("gateway.ingest.pool-size must be at least 1");
		}
	}

	/**
	 * One routing rule: a series whose label {@code label} equals {@code value}, or whose lower-cased name is
	 * in {@code names}, goes to {@code schema}. A rule giving both conditions needs both.
	 */
	public record Route(String schema, String label, String value, List<String> names) {

		public Route {
			names = (names == null) ? List.of() : names.stream().map(n -> n.toLowerCase(java.util.Locale.ROOT)).toList();
			if (schema == null || schema.isBlank()) {
				throw new IllegalArgumentException("gateway.ingest.routes[].schema is required");
			}
			if (label != null && value == null) {
				throw new IllegalArgumentException("gateway.ingest.routes[] for schema " + schema + " has a label but no value");
			}
			if (label == null && names.isEmpty()) {
				throw new IllegalArgumentException("gateway.ingest.routes[] for schema " + schema
						+ " needs a label/value or names");
			}
		}

	}

}
