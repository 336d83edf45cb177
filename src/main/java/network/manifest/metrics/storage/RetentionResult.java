package network.manifest.metrics.storage;

import java.time.Duration;
import java.time.Instant;

/** What one retention run removed: rows (plain PostgreSQL) or whole chunks (TimescaleDB). */
record RetentionResult(StorageMode mode, Instant cutoff, long rowsDeleted, long chunksDropped, Duration took) {

}
