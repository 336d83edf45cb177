package network.manifest.metrics.bench;

import java.time.Instant;

import org.springframework.context.ConfigurableApplicationContext;

import network.manifest.metrics.support.TestDatabase;

/**
 * One whole benchmark: a fresh database, the service started in-process on a real port against it, the
 * ingest part, the replay-shaped request, then (raw, tag and rollup tables emptied) the API part, and the
 * report.
 */
final class GatewayBenchmarkRun {

	private GatewayBenchmarkRun() {
	}

	static BenchmarkReport run(BenchmarkSettings settings) throws Exception {
		TestDatabase.Database db = TestDatabase.create();
		try (ConfigurableApplicationContext app = start(db, settings.apiConcurrency() + 2)) {
			int port = Integer.parseInt(app.getEnvironment().getRequiredProperty("local.server.port"));
			IngestBenchmark.Result ingest = new IngestBenchmark(settings, port, db).run(nowMinute());
			ReplayBenchmark.Result replay = new ReplayBenchmark(settings, port, db).run(nowMinute());
			Tables.truncateData(db);
			ApiBenchmark.Result api = new ApiBenchmark(settings, port, db).run(nowMinute());
			return new BenchmarkReport(settings, Machine.describe(db), ingest, replay, api, Instant.now());
		}
	}

	private static ConfigurableApplicationContext start(TestDatabase.Database db, int apiPool) {
		return db.startApplication(
				// one API connection per concurrent caller (and no more: the database server is shared)
				"--spring.datasource.hikari.maximum-pool-size=" + apiPool,
				// a year of data ends now: retention must not start deleting its oldest minutes mid-run
				"--gateway.retention.enabled=false", "--spring.main.banner-mode=off", "--logging.level.root=WARN");
	}

	private static long nowMinute() {
		return Math.floorDiv(System.currentTimeMillis(), TrafficGenerator.MINUTE_MS);
	}

}
