package network.manifest.metrics.ingest;

/**
 * The database's ingestion interface: rows copied into these staging tables are moved into the raw tables
 * (deduplicated) and the rollups by the tables' statement-level triggers when the COPY ends. Declaration
 * order is the write order of every transaction (tags, then internal, then cumsum), one part of the
 * consistent lock order that keeps concurrent writers from deadlocking.
 */
enum StagingTable {

	INTERNAL("staging_internal.prometheus_remote_write"), CUMSUM("staging_cumsum.prometheus_remote_write");

	static final String TAGS = "staging_internal.prometheus_remote_write_tag";

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
