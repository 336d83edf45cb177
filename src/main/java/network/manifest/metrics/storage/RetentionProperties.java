package network.manifest.metrics.storage;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Removal of old raw data ({@code gateway.retention.*}). Only raw {@code internal} samples expire;
 * {@code cumsum} raw data and every rollup are kept forever.
 *
 * @param enabled whether the service removes old raw data on a schedule
 * @param rawInternal age after which raw {@code internal.prometheus_remote_write} rows are removed
 * @param interval pause between two retention runs
 * @param initialDelay pause between start-up and the first run
 * @param batchSize rows per DELETE in plain PostgreSQL mode (short transactions, little lock time)
 */
@ConfigurationProperties("gateway.retention")
public record RetentionProperties(@DefaultValue("true") boolean enabled, @DefaultValue("365d") Duration rawInternal,
		@DefaultValue("1h") Duration interval, @DefaultValue("5m") Duration initialDelay,
		@DefaultValue("10000") int batchSize) {

	public RetentionProperties {
		requirePositive("raw-internal", rawInternal);
		requirePositive("interval", interval);
		if (initialDelay == null || initialDelay.isNegative()) {
			throw new IllegalArgumentException("gateway.retention.initial-delay must not be negative");
		}
		if (batchSize < 1) {
			throw new IllegalArgumentException("gateway.retention.batch-size must be at least 1");
		}
	}

	private static void requirePositive(String name, Duration value) {
		if (value == null || value.isZero() || value.isNegative()) {
			throw new IllegalArgumentException("gateway.retention." + name + " must be a positive duration");
		}
	}

}
