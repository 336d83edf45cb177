package network.manifest.metrics.ingest;

/**
 * The service's staging tables: temporary copies of the database's staging tables with the same flush
 * triggers, one set per database session ({@code internal.create_session_staging()}, which every write
 * transaction calls first and which returns at once when they exist). Rows copied into them are moved into
 * the raw tables (deduplicated) and the rollups when the COPY ends; the tables are emptied at commit, which
 * is cheaper than the DELETE the shared staging tables need. Declaration order is the write order of every
 * sample transaction (internal, then cumsum), one part of the consistent lock order that keeps concurrent
 * writers from deadlocking.
 */
enum StagingTable {

	INTERNAL("pg_temp.staged_internal_samples"), CUMSUM("pg_temp.staged_cumsum_samples");

	static final String TAGS = "pg_temp.staged_tags";

	/** Creates this session's staging tables unless it has them. */
	static final String CREATE = "SELECT internal.create_session_staging()";

	static final String TAG_COLUMNS = "tag_id, host, instance, country_name, city, supply, excluded_supply, amount";

	static final String SAMPLE_COLUMNS = "time, tag_id, name, schema, value";

	private final String relation;

	StagingTable(String relation) {
		this.relation = relation;
	}

	String copySamples() {
		return "COPY " + relation + " (" + SAMPLE_COLUMNS + ") FROM STDIN";
	}

	static String copyTags() {
		return "COPY " + TAGS + " (" + TAG_COLUMNS + ") FROM STDIN";
	}

}
