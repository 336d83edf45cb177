package network.manifest.metrics.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

import network.manifest.metrics.ingest.DecodedSeries.Label;

class SeriesRouterTest {

	static IngestProperties defaults() {
		return new IngestProperties(DataSize.ofMegabytes(64), DataSize.ofMegabytes(256), "telegraf", "common", null,
				null, 4, Duration.ofSeconds(2), Duration.ofSeconds(5), 5, Duration.ofMillis(20), DataSize.ofKilobytes(256));
	}

	private final SeriesRouter router = new SeriesRouter(defaults());

	private static DecodedSeries series(String... labelPairs) {
		List<Label> labels = new java.util.ArrayList<>();
		for (int i = 0; i < labelPairs.length; i += 2) {
			labels.add(new Label(labelPairs[i], labelPairs[i + 1]));
		}
		return new DecodedSeries(7, 0, labels, new long[0], new double[0]);
	}

	@Test
	void lockedTokensKeepsTheOldPipelinesIdAndTags() {
		RoutedSeries s = router.route(series("__name__", "locked_tokens", "amount", "12000000", "denom", "umfx",
				"instance", "foobar:443", "manifest_chain", "manifest-ledger-testnet", "manifest_tier", "testnet",
				"source", "postgres"));
		assertThat(s.name()).isEqualTo("locked_tokens");
		assertThat(s.schema()).isEqualTo("testnet");
		assertThat(s.table()).isEqualTo(StagingTable.INTERNAL);
		assertThat(s.tagId()).isEqualTo(-5881126419995477995L);
		assertThat(s.tag()).isEqualTo(new TagRow(-5881126419995477995L, "telegraf", "foobar:443", null, null, null, null,
				"12000000"));
	}

	@Test
	void unlabelledSeries() {
		RoutedSeries s = router.route(series("__name__", "node_count"));
		assertThat(s.schema()).isEqualTo("common");
		assertThat(s.tagId()).isEqualTo(804369045075984134L);
	}

	@Test
	void routingRulesInOrderLaterWins() {
		assertThat(router.route(series("__name__", "x", "manifest_tier", "mainnet")).schema()).isEqualTo("mainnet");
		assertThat(router.route(series("__name__", "x", "manifest_tier", "devnet")).schema()).isEqualTo("common");
		assertThat(router.route(series("__name__", "manifest_geo_latitude", "manifest_tier", "mainnet")).schema())
			.isEqualTo("geo");
		RoutedSeries cumsum = router.route(series("__name__", "System_TCP_Sent", "manifest_tier", "testnet"));
		assertThat(cumsum.name()).isEqualTo("system_tcp_sent");
		assertThat(cumsum.schema()).isEqualTo("cumsum");
		assertThat(cumsum.table()).isEqualTo(StagingTable.CUMSUM);
	}

	@Test
	void hostLabelWinsOverTheConfiguredHostAndTliNameIsAlwaysTheName() {
		RoutedSeries own = router.route(series("__name__", "Up", "host", "a", "tli_name", "other"));
		assertThat(own.tag().host()).isEqualTo("a");
		assertThat(own.tagId()).isEqualTo(TagSetHasher.hash(java.util.Map.of("host", "a", "tli_name", "up")));
	}

	@Test
	void configuredHost() {
		IngestProperties p = defaults();
		SeriesRouter custom = new SeriesRouter(new IngestProperties(p.maxCompressedBytes(), p.maxDecompressedBytes(),
				"gateway-1", p.defaultSchema(), p.routes(), p.cumsumSchemas(), p.poolSize(), p.databaseWait(),
				p.retryAfter(), p.maxAttempts(), p.retryBackoff(), p.copyBuffer()));
		RoutedSeries s = custom.route(series("__name__", "node_count"));
		assertThat(s.tag().host()).isEqualTo("gateway-1");
		assertThat(s.tagId()).isEqualTo(TagSetHasher.hash(java.util.Map.of("host", "gateway-1", "tli_name", "node_count")));
	}

	@Test
	void geoTagsFillTheirColumns() {
		RoutedSeries s = router.route(series("__name__", "manifest_geo_metadata", "city", "North Bergen", "country_name",
				"United States", "instance", "foobar:19999", "ip", "1.2.3.4"));
		assertThat(s.tag().city()).isEqualTo("North Bergen");
		assertThat(s.tag().countryName()).isEqualTo("United States");
		assertThat(s.tag().instance()).isEqualTo("foobar:19999");
	}

	@Test
	void malformedSeriesAreRejectedByIndex() {
		RemoteWriteDecoderTest.assertMalformed(() -> router.route(series("job", "x")), "series 7");
		RemoteWriteDecoderTest.assertMalformed(() -> router.route(series("__name__", "", "job", "x")), "series 7");
		RemoteWriteDecoderTest.assertMalformed(() -> router.route(series("__name__", "a", "job", "x", "job", "y")),
				"appears twice");
		RemoteWriteDecoderTest.assertMalformed(() -> router.route(series("__name__", "a", "job", "x\0")), "NUL");
	}

}
