package network.manifest.metrics.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The benchmark with tiny sizes, so that it keeps working between real runs: every row of the table is
 * there and the counts are right. Timings are not asserted.
 */
class BenchmarkSmokeTest {

	private static BenchmarkReport report;

	@BeforeAll
	static void run() throws Exception {
		report = GatewayBenchmarkRun.run(BenchmarkSettings.smoke());
	}

	@Test
	void ingestStoresEverySampleOnceAndTheReplayNothing() {
		IngestBenchmark.Result ingest = report.ingest();
		assertThat(ingest.samples()).isEqualTo(60L * 300);
		assertThat(ingest.rawRows()).isEqualTo(ingest.samples());
		assertThat(ingest.floorRows()).isEqualTo(ingest.samples());
		assertThat(ingest.replayNewRows()).isZero();
		// 300 minutes: at least one 1-minute rollup row per metric and schema and minute
		assertThat(ingest.rollupRows()).isGreaterThanOrEqualTo(300L * 20);
		assertThat(ingest.fresh().count()).isEqualTo(ingest.requests());
		assertThat(ingest.replay().count()).isEqualTo(ingest.requests());
		assertThat(ingest.floor().count()).isEqualTo(ingest.requests());
	}

	@Test
	void everyDashboardShapeAnswersTheSameRowsOverHttpAndSql() {
		ApiBenchmark.Result api = report.api();
		assertThat(api.loadRows()).isEqualTo(8L * 2 * 1440);
		assertThat(api.shapes()).extracting(s -> s.shape().function())
			.containsExactly("get_agg_metric", "get_agg_metric", "get_agg_metric", "get_agg_cumsum_metric",
					"get_agg_circulating_supply", "get_agg_market_cap", "get_all_latest_mainnet_metrics", "get_latest_fdv");
		for (ApiBenchmark.ShapeResult s : api.shapes()) {
			assertThat(s.rows()).as(s.shape().label()).isPositive().isEqualTo(s.sqlRows());
			assertThat(s.http().count()).as(s.shape().label()).isEqualTo(6);
			assertThat(s.sql().count()).as(s.shape().label()).isEqualTo(6);
		}
		// 2 days of data: about 1440 minute buckets in the last day (the clock moves on), 2 or 3 day buckets
		assertThat(api.shapes().get(0).rows()).isBetween(1438, 1441);
		assertThat(api.shapes().get(2).rows()).isBetween(2, 3);
		// the latest mainnet metrics: the five tokenomics names
		assertThat(api.shapes().get(6).rows()).isEqualTo(5);
		// curl's Accept-Encoding weighs gzip and zstd equally: the service prefers zstd above the threshold
		assertThat(api.shapes().get(0).coding()).isEqualTo("zstd");
		assertThat(report.markdown()).contains("`Accept-Encoding: deflate, gzip, br, zstd`")
			.contains("| get_agg_metric, 1 day at 1 minute | " + api.shapes().get(0).rows() + " | zstd |");
	}

	@Test
	void cpuTimeIsAttributedToTheServiceAndToTheDatabase() {
		assertThat(report.ingest().warmUp().rounds()).isBetween(1, 60);
		assertThat(report.ingest().warmUpRequests()).isGreaterThanOrEqualTo(report.ingest().warmUp().rounds());
		assertThat(report.api().warmUp().rounds()).isBetween(1, 40);
		assertThat(report.ingest().freshCpu().serviceNanos()).isPositive();
		assertThat(report.ingest().freshCpu().jvmNanos()).isGreaterThanOrEqualTo(report.ingest().freshCpu().serviceNanos());
		// HotSpot on Linux names its compiler and collector threads: found, busy since start, part of the JVM's time
		CpuUse sinceStart = CpuUse.now();
		assertThat(sinceStart.jitAndGcNanos()).isPositive().isLessThan(sinceStart.jvmNanos());
		assertThat(report.ingest().freshCpu().jitAndGcNanos()).isNotNegative();
		for (ApiBenchmark.ShapeResult s : report.api().shapes()) {
			// the service's request threads run only on the HTTP path
			assertThat(s.httpCpu().serviceNanos()).as(s.shape().label()).isPositive();
		}
		assertThat(report.markdown()).contains("## CPU per API call").contains("## CPU and WAL per 1,000 samples ingested");
	}

	@Test
	void walIsCountedForBothIngestPaths() {
		// every stored row is in the WAL with at least its three 8-byte columns (time, tag, value)
		IngestBenchmark.Result ingest = report.ingest();
		assertThat(ingest.freshWal()).isGreaterThanOrEqualTo(24 * ingest.rawRows());
		assertThat(ingest.floorWal()).isGreaterThanOrEqualTo(24 * ingest.floorRows());
	}

	@Test
	void theTableHasEveryRowWithAVerdictWhereThereIsATarget() {
		List<String> metrics = report.rows().stream().map(BenchmarkReport.Row::metric).toList();
		assertThat(metrics).contains("ingest over HTTP", "ingest request latency p50 / p99", "raw rows written",
				"rollup rows written", "COPY floor (same rows, same indexes, no dedupe, no rollups)", "ingest / COPY",
				"duplicate replay over HTTP", "rows added by the duplicate replay", "duplicate replay / fresh ingest",
				"max heap of the run (Runtime.maxMemory)");
		for (ApiBenchmark.ShapeResult s : report.api().shapes()) {
			assertThat(metrics).contains(s.shape().label() + ": p50 over HTTP");
			if (s.shape().heavy()) {
				assertThat(metrics).contains(s.shape().label() + ": HTTP / direct SQL p50");
			}
		}
		assertThat(report.rows()).filteredOn(r -> !r.target().isEmpty()).allSatisfy(r -> assertThat(r.met()).isNotNull());
		assertThat(report.rows()).filteredOn(r -> r.metric().equals("raw rows written"))
			.singleElement()
			.satisfies(r -> assertThat(r.met()).isTrue());
		String markdown = report.markdown();
		assertThat(markdown).contains("| cores | " + Runtime.getRuntime().availableProcessors() + " |")
			.contains("| PostgreSQL | PostgreSQL ")
			.contains("| metric | value | target | met |");
		assertThat(markdown.lines().filter(l -> l.startsWith("| ")).count()).isGreaterThan(report.rows().size());
	}

}
