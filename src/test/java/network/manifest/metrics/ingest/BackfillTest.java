package network.manifest.metrics.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import network.manifest.metrics.support.GatewayTest;

/**
 * A vmalert-style replay of 30 days (one sample per minute per series), sent as large requests in random
 * order with the samples of each series shuffled and one request repeated: the rollups maintained at write
 * time must equal a from-scratch rebuild from the raw rows, and the sums must equal what was sent.
 */
@GatewayTest
class BackfillTest {

	private static final Instant FROM = Instant.parse("2019-02-01T00:00:00Z");

	private static final int MINUTES = 30 * 24 * 60;

	private static final int POINTS_PER_REQUEST = 4320; // three days per series and request

	@LocalServerPort
	int port;

	@Autowired
	JdbcTemplate jdbc;

	private static double gauge(int m) {
		return Math.round(Math.sin(m / 90.0) * 1e6) / 1000.0; // three decimals, both signs
	}

	private static long counter(int m) {
		return (m * 7919L) % 1000;
	}

	private static RemoteWriteRequests chunk(int start, Random random) {
		RemoteWriteRequests request = RemoteWriteRequests.request();
		RemoteWriteRequests.TestSeries gauge = request.series("backfill_gauge", "instance", "a", "manifest_tier", "testnet");
		RemoteWriteRequests.TestSeries supply = request.series("backfill_supply", "manifest_tier", "mainnet", "supply",
				"123427004070058399997");
		RemoteWriteRequests.TestSeries sent = request.series("system_network_sent", "instance", "backfill");
		RemoteWriteRequests.TestSeries lat = request.series("manifest_geo_latitude", "instance", "backfill-geo");
		RemoteWriteRequests.TestSeries lon = request.series("manifest_geo_longitude", "instance", "backfill-geo");
		List<Integer> minutes = new ArrayList<>();
		for (int m = start; m < Math.min(start + POINTS_PER_REQUEST, MINUTES); m++) {
			minutes.add(m);
		}
		Collections.shuffle(minutes, random);
		for (int m : minutes) {
			long t = FROM.toEpochMilli() + m * 60_000L + 15_000;
			gauge.sample(t, gauge(m));
			supply.sample(t, 1);
			sent.sample(t, counter(m));
			lat.sample(t, 40 + m / 100_000.0);
			lon.sample(t, -74 - m / 100_000.0);
		}
		return request;
	}

	private List<String> rollups() {
		Timestamp from = Timestamp.from(FROM);
		Timestamp to = Timestamp.from(FROM.plusSeconds(MINUTES * 60L));
		List<String> rows = new ArrayList<>();
		rows.addAll(jdbc.queryForList("SELECT m::text FROM internal.metric_rollup_1m m WHERE bucket >= ? AND bucket < ?"
				+ " ORDER BY name, schema, bucket", String.class, from, to));
		rows.addAll(jdbc.queryForList("SELECT c::text FROM cumsum.all_metrics_minute c WHERE bucket >= ? AND bucket < ?"
				+ " ORDER BY name, schema, bucket", String.class, from, to));
		rows.addAll(jdbc.queryForList("SELECT g::text FROM geo.coords_rollup_1m g WHERE bucket >= ? AND bucket < ?"
				+ " ORDER BY instance, bucket", String.class, from, to));
		return rows;
	}

	@Test
	void rollupsAfterAnOutOfOrderBackfillEqualARebuild() {
		RemoteWriteClient client = new RemoteWriteClient(port);
		Random random = new Random(20190201);
		List<Integer> starts = new ArrayList<>();
		for (int s = 0; s < MINUTES; s += POINTS_PER_REQUEST) {
			starts.add(s);
		}
		Collections.shuffle(starts, random);
		starts.add(starts.get(3)); // vmalert retried one batch
		for (int start : starts) {
			assertThat(client.writeV1Retrying(chunk(start, random)).statusCode()).isEqualTo(204);
		}

		List<String> maintained = rollups();
		// metric rollup: gauge, supply, latitude, longitude; one cumsum series; one geo instance
		assertThat(maintained).hasSize(MINUTES * 6);
		long expectedSum = 0;
		for (int m = 0; m < MINUTES; m++) {
			expectedSum += counter(m);
		}
		assertThat(jdbc.queryForObject("SELECT sum(sum_value) FROM cumsum.all_metrics_minute WHERE name = 'system_network_sent'"
				+ " AND bucket >= ? AND bucket < ?", BigDecimal.class, Timestamp.from(FROM),
				Timestamp.from(FROM.plusSeconds(MINUTES * 60L))))
			.isEqualByComparingTo(BigDecimal.valueOf(expectedSum));
		assertThat(jdbc.queryForObject("SELECT count(*) FROM internal.prometheus_remote_write WHERE name = 'backfill_gauge'",
				Integer.class)).isEqualTo(MINUTES);

		jdbc.queryForList("SELECT internal.rebuild_rollups(?, ?)", Timestamp.from(FROM),
				Timestamp.from(FROM.plusSeconds(MINUTES * 60L)));
		assertThat(rollups()).isEqualTo(maintained);
	}

}
