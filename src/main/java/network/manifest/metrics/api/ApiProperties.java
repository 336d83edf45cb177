package network.manifest.metrics.api;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Configuration of the PostgREST-compatible {@code /rpc} API ({@code gateway.api.*}).
 *
 * @param schema the schema whose functions are exposed at {@code /rpc/<name>}
 * @param jwtSecret HS256 secret of at least 32 characters; unset means every bearer token is refused
 * @param jwtAudience when set, tokens must carry this {@code aud}
 * @param jwtClockSkew tolerance for {@code exp}, {@code nbf} and {@code iat}
 * @param roles the only database roles a request may run as (anonymous role included)
 * @param anonymousRole the role of requests without a token (or without a {@code role} claim)
 * @param statementTimeout {@code SET LOCAL statement_timeout} of every request; zero disables it
 * @param maxRows upper bound on the rows of one set result; unset means no bound
 * @param reloadChannel {@code NOTIFY <channel>, 'reload schema'} reloads the function catalog
 * @param reloadRetry wait before the catalog listener reconnects after losing its connection
 * @param compression response compression
 * @param cache the result cache of STABLE and IMMUTABLE functions
 */
@ConfigurationProperties("gateway.api")
public record ApiProperties(@DefaultValue("api") String schema, String jwtSecret, String jwtAudience,
		@DefaultValue("30s") Duration jwtClockSkew, @DefaultValue({ "web_anon", "writer" }) List<String> roles,
		@DefaultValue("web_anon") String anonymousRole, @DefaultValue("10s") Duration statementTimeout,
		Integer maxRows, @DefaultValue("pgrst") String reloadChannel, @DefaultValue("5s") Duration reloadRetry,
		@DefaultValue Compression compression, @DefaultValue Cache cache) {

	static final int MIN_SECRET_LENGTH = 32;

	private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]*");

	public ApiProperties {
		if (jwtSecret != null && jwtSecret.isBlank()) {
			jwtSecret = null;
		}
		if (jwtSecret != null && jwtSecret.length() < MIN_SECRET_LENGTH) {
			throw new IllegalArgumentException("gateway.api.jwt-secret must be at least " + MIN_SECRET_LENGTH
					+ " characters long (HS256), got " + jwtSecret.length());
		}
		if (jwtAudience != null && jwtAudience.isBlank()) {
			jwtAudience = null;
		}
		roles = List.copyOf(roles);
		if (!IDENTIFIER.matcher(reloadChannel).matches()) {
			throw new IllegalArgumentException(
					"gateway.api.reload-channel must be a lower-case identifier, got " + reloadChannel);
		}
		if (maxRows != null && maxRows < 1) {
			throw new IllegalArgumentException("gateway.api.max-rows must be positive, got " + maxRows);
		}
	}

	boolean jwtConfigured() {
		return jwtSecret != null;
	}

	/**
	 * @param enabled keep answers in memory; off: every call runs in the database
	 * @param maxBytes upper bound on the bodies kept (each entry weighs at least maxBytes / maxEntries)
	 * @param maxEntries upper bound on the answers kept
	 * @param clockTtl how long an answer of a function that reads the time ({@code now()}) is kept at most
	 */
	public record Cache(@DefaultValue("true") boolean enabled, @DefaultValue("64MB") DataSize maxBytes,
			@DefaultValue("10000") int maxEntries, @DefaultValue("5s") Duration clockTtl) {

		public Cache {
			if (maxEntries < 1 || maxBytes.toBytes() < maxEntries) {
				throw new IllegalArgumentException("gateway.api.cache.max-entries must be between 1 and max-bytes, got "
						+ maxEntries);
			}
		}

	}

	/**
	 * @param threshold responses smaller than this are sent uncompressed
	 * @param gzip offer gzip
	 * @param zstd offer zstd (preferred over gzip when the client weighs both equally)
	 * @param zstdLevel zstd compression level (1-22); on the API's JSON, level 1 compresses about a quarter faster
	 *        than 3 to the same size
	 */
	public record Compression(@DefaultValue("1KB") DataSize threshold, @DefaultValue("true") boolean gzip,
			@DefaultValue("true") boolean zstd, @DefaultValue("1") int zstdLevel) {
	}

}
