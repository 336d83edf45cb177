package network.manifest.metrics.storage;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Removes raw {@code internal} samples older than {@code gateway.retention.raw-internal}. Only that
 * table: {@code cumsum} raw data and the rollups are kept forever, and nothing here touches them, so
 * retention never changes an API result computed from the rollups.
 */
@Component
class RawDataRetention {

	static final String TABLE = "internal.prometheus_remote_write";

	private final JdbcTemplate jdbc;

	private final StorageMode mode;

	private final RetentionProperties properties;

	private final RetentionObserver observer;

	private final CompressionStatus compression;

	private final Clock clock = Clock.systemUTC();

	RawDataRetention(JdbcTemplate jdbc, StorageMode mode, RetentionProperties properties, RetentionObserver observer,
			CompressionStatus compression) {
		this.jdbc = jdbc;
		this.mode = mode;
		this.properties = properties;
		this.observer = observer;
		this.compression = compression;
	}

	/**
	 * One run with the configured age; failures are reported and left for the next run. The cutoff is a
	 * whole minute, so retention never removes part of a rollup bucket's raw rows.
	 */
	void runScheduled() {
		try {
			run(clock.instant().minus(properties.rawInternal()).truncatedTo(ChronoUnit.MINUTES));
		}
		catch (RuntimeException e) {
			observer.failed(mode, e);
		}
	}

	/** Removes raw internal rows with {@code time < cutoff}. */
	RetentionResult run(Instant cutoff) {
		long started = System.nanoTime();
		RetentionResult result = switch (mode) {
			case TIMESCALEDB -> new RetentionResult(mode, cutoff, 0, dropChunks(cutoff), elapsedSince(started));
			case POSTGRESQL -> new RetentionResult(mode, cutoff, deleteInBatches(cutoff), 0, elapsedSince(started));
		};
		observer.completed(result);
		compression.refresh();
		return result;
	}

	/**
	 * Whole chunks that end before the cutoff: no row-by-row work, no bloat. The function is qualified
	 * with the extension's schema, which need not be on the search path.
	 */
	private long dropChunks(Instant cutoff) {
		String extensionSchema = jdbc.queryForObject("SELECT pg_catalog.quote_ident(n.nspname) FROM pg_catalog.pg_extension e"
				+ " JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'timescaledb'", String.class);
		Long dropped = jdbc.queryForObject("SELECT count(*) FROM " + extensionSchema
				+ ".drop_chunks(?::regclass, older_than => ?::timestamptz)", Long.class, TABLE, Timestamp.from(cutoff));
		return dropped == null ? 0 : dropped;
	}

	/**
	 * Short transactions of at most batch-size rows, so ingest is never blocked for long. The time index
	 * finds the rows; (tableoid, ctid) also identifies them correctly if the table is partitioned.
	 */
	private long deleteInBatches(Instant cutoff) {
		String sql = "DELETE FROM " + TABLE + " WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM " + TABLE
				+ " WHERE time < ? LIMIT ?)";
		Timestamp before = Timestamp.from(cutoff);
		long total = 0;
		int deleted;
		do {
			deleted = jdbc.update(sql, before, properties.batchSize());
			total += deleted;
		}
		while (deleted == properties.batchSize() && !Thread.currentThread().isInterrupted());
		return total;
	}

	private static Duration elapsedSince(long startedNanos) {
		return Duration.ofNanos(System.nanoTime() - startedNanos);
	}

}
