package network.manifest.metrics.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import network.manifest.metrics.support.GatewayTest;
import network.manifest.metrics.support.TestDatabase;

/**
 * Eight writers on two service instances (two application contexts on one database) send the same day of
 * data in overlapping, differently ordered windows at the same time. Every request must succeed (no
 * deadlock reaches a client) and every row must be stored and counted in the rollups exactly once.
 */
@GatewayTest
class ConcurrentWritersTest {

	private static final Instant FROM = Instant.parse("2018-06-01T00:00:00Z");

	private static final int MINUTES = 24 * 60;

	private static final int WRITERS = 8;

	static ConfigurableApplicationContext second;

	@LocalServerPort
	int port;

	@Autowired
	JdbcTemplate jdbc;

	@BeforeAll
	static void startSecondInstance() {
		TestDatabase.Database db = TestDatabase.shared();
		second = db.startApplication("--spring.datasource.hikari.maximum-pool-size=4",
				"--spring.datasource.hikari.minimum-idle=0");
	}

	@AfterAll
	static void stopSecondInstance() {
		if (second != null) {
			second.close();
		}
	}

	private static long counter(int series, int m) {
		return (m * 31L + series * 7L) % 100;
	}

	private static RemoteWriteRequests window(int from, int to) {
		RemoteWriteRequests request = RemoteWriteRequests.request();
		List<RemoteWriteRequests.TestSeries> gauges = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			gauges.add(request.series("concurrent_gauge", "instance", "c-" + i, "manifest_tier", i == 0 ? "mainnet" : "common"));
		}
		RemoteWriteRequests.TestSeries amount = request.series("concurrent_amount", "amount", "5", "manifest_tier", "testnet");
		RemoteWriteRequests.TestSeries web0 = request.series("web_requests", "instance", "concurrent-0");
		RemoteWriteRequests.TestSeries web1 = request.series("web_requests", "instance", "concurrent-1");
		RemoteWriteRequests.TestSeries lat = request.series("manifest_geo_latitude", "instance", "concurrent-geo");
		for (int m = Math.max(0, from); m < Math.min(MINUTES, to); m++) {
			long t = FROM.toEpochMilli() + m * 60_000L;
			for (int i = 0; i < 3; i++) {
				gauges.get(i).sample(t, m * 0.5 + i);
			}
			amount.sample(t, 1);
			web0.sample(t, counter(0, m));
			web1.sample(t, counter(1, m));
			lat.sample(t, 40 + m / 1000.0);
		}
		return request;
	}

	/** One writer's plan: the whole day in 120-minute windows widened at random, in a random order. */
	private static List<RemoteWriteRequests> plan(Random random) {
		List<RemoteWriteRequests> requests = new ArrayList<>();
		for (int start = 0; start < MINUTES; start += 120) {
			requests.add(window(start - random.nextInt(60), start + 120 + random.nextInt(60)));
		}
		Collections.shuffle(requests, random);
		return requests;
	}

	private List<String> rollups() {
		Timestamp from = Timestamp.from(FROM);
		Timestamp to = Timestamp.from(FROM.plusSeconds(MINUTES * 60L));
		List<String> rows = new ArrayList<>(jdbc.queryForList("SELECT m::text FROM internal.metric_rollup_1m m"
				+ " WHERE bucket >= ? AND bucket < ? ORDER BY name, schema, bucket", String.class, from, to));
		rows.addAll(jdbc.queryForList("SELECT c::text FROM cumsum.all_metrics_minute c WHERE bucket >= ? AND bucket < ?"
				+ " ORDER BY name, schema, bucket", String.class, from, to));
		rows.addAll(jdbc.queryForList("SELECT g::text FROM geo.coords_rollup_1m g WHERE bucket >= ? AND bucket < ?"
				+ " ORDER BY instance, bucket", String.class, from, to));
		return rows;
	}

	@Test
	void overlappingWritersOnTwoInstancesStoreAndCountEveryRowOnce() throws Exception {
		int secondPort = second.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
		CyclicBarrier start = new CyclicBarrier(WRITERS);
		ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
		List<Future<List<Integer>>> results = new ArrayList<>();
		for (int w = 0; w < WRITERS; w++) {
			RemoteWriteClient client = new RemoteWriteClient(w % 2 == 0 ? port : secondPort);
			List<RemoteWriteRequests> requests = plan(new Random(w));
			results.add(pool.submit(() -> {
				start.await(60, TimeUnit.SECONDS);
				List<Integer> statuses = new ArrayList<>();
				for (RemoteWriteRequests request : requests) {
					statuses.add(client.writeV1Retrying(request).statusCode());
				}
				return statuses;
			}));
		}
		for (Future<List<Integer>> result : results) {
			assertThat(result.get(120, TimeUnit.SECONDS)).hasSize(12).containsOnly(204);
		}
		pool.shutdown();

		Timestamp from = Timestamp.from(FROM);
		Timestamp to = Timestamp.from(FROM.plusSeconds(MINUTES * 60L));
		assertThat(jdbc.queryForObject("SELECT count(*) FROM internal.prometheus_remote_write WHERE time >= ? AND time < ?"
				+ " AND name IN ('concurrent_gauge', 'concurrent_amount', 'manifest_geo_latitude')", Integer.class, from, to))
			.isEqualTo(5 * MINUTES);
		assertThat(jdbc.queryForObject("SELECT count(*) FROM cumsum.prometheus_remote_write WHERE time >= ? AND time < ?"
				+ " AND name = 'web_requests'", Integer.class, from, to)).isEqualTo(2 * MINUTES);
		List<Map<String, Object>> sums = jdbc.queryForList("SELECT sum_value FROM cumsum.all_metrics_minute"
				+ " WHERE name = 'web_requests' AND bucket >= ? AND bucket < ? ORDER BY bucket", from, to);
		assertThat(sums).hasSize(MINUTES);
		for (int m = 0; m < MINUTES; m++) {
			assertThat((BigDecimal) sums.get(m).get("sum_value")).as("minute %d", m)
				.isEqualByComparingTo(BigDecimal.valueOf(counter(0, m) + counter(1, m)));
		}
		List<String> maintained = rollups();
		jdbc.queryForList("SELECT internal.rebuild_rollups(?, ?)", from, to);
		assertThat(rollups()).isEqualTo(maintained);
	}

}
