package network.manifest.metrics.storage;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How to store data ({@code gateway.storage}).
 *
 * @param mode {@code auto} (TimescaleDB when the extension is installed, or available and preloaded),
 * {@code timescaledb} (required: start-up fails without it) or {@code postgresql} (plain tables even where
 * TimescaleDB is installed)
 */
@ConfigurationProperties("gateway.storage")
public record StorageProperties(@DefaultValue("auto") Mode mode) {

	/** The configured choice; the outcome is a {@link StorageMode}. */
	public enum Mode {

		AUTO, TIMESCALEDB, POSTGRESQL

	}

}
