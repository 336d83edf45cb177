package network.manifest.metrics.storage;

/**
 * How the data is stored, decided once at start-up (see {@code StorageModeDetector}) and logged.
 */
public enum StorageMode {

	/** The timescaledb extension is present: raw and rollup tables are hypertables. */
	TIMESCALEDB,

	/** Plain PostgreSQL 15+: ordinary tables, retention by batched deletes. */
	POSTGRESQL

}
