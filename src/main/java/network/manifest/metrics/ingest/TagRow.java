package network.manifest.metrics.ingest;

/** A row of the tag table: the series id and the tags that have a column there (null where absent). */
record TagRow(long tagId, String host, String instance, String countryName, String city, String supply,
		String excludedSupply, String amount) {
}
