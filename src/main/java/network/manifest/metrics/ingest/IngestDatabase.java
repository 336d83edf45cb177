package network.manifest.metrics.ingest;

import java.sql.Connection;
import java.sql.SQLException;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.autoconfigure.jdbc.DataSourceProperties;
import org.springframework.stereotype.Component;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * The ingest's own small connection pool on the application's database. Separate from the API's pool so
 * that a backfill cannot starve dashboard reads, and with a short connection wait
 * ({@code gateway.ingest.database-wait}): a sender is better served by a quick 503 + Retry-After than by a
 * request hanging until its own timeout.
 */
@Component
class IngestDatabase implements DisposableBean {

	private final HikariDataSource pool;

	IngestDatabase(DataSourceProperties dataSource, IngestProperties properties, MeterRegistry registry) {
		HikariConfig config = new HikariConfig();
		config.setPoolName("ingest");
		config.setJdbcUrl(dataSource.determineUrl());
		config.setUsername(dataSource.determineUsername());
		config.setPassword(dataSource.determinePassword());
		config.setMaximumPoolSize(properties.poolSize());
		config.setMinimumIdle(0);
		// idle between bursts (vmalert flushes every few seconds, replays end): give connections back
		config.setIdleTimeout(60_000);
		config.setConnectionTimeout(Math.max(250, properties.databaseWait().toMillis()));
		config.setAutoCommit(false);
		// start even while the database is away; requests then get 503 instead of the service failing
		config.setInitializationFailTimeout(-1);
		config.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry));
		this.pool = new HikariDataSource(config);
	}

	/** A connection with auto-commit off; fails within {@code database-wait} when none is available. */
	Connection connection() throws SQLException {
		return pool.getConnection();
	}

	@Override
	public void destroy() {
		pool.close();
	}

}
