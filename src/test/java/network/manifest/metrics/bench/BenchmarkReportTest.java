package network.manifest.metrics.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;

import org.junit.jupiter.api.Test;

class BenchmarkReportTest {

	@Test
	void aRatioThatRoundsToItsTargetShowsTheDecimalThatDecidesTheVerdict() {
		assertThat(BenchmarkReport.ratio(1.2049, 1.2)).isEqualTo("1.205");
		assertThat(BenchmarkReport.ratio(1.1951, 1.2)).isEqualTo("1.195");
		assertThat(BenchmarkReport.ratio(1.2, 1.2)).isEqualTo("1.20");
		assertThat(BenchmarkReport.ratio(1.18, 1.2)).isEqualTo("1.18");
		assertThat(BenchmarkReport.ratio(0.5249, 0.5)).isEqualTo("0.52");
	}

	@Test
	void theCpuRatioComparesTheMachinesWorkPerCallOnBothPaths() {
		ApiBenchmark.Shape shape = ApiBenchmark.shapes(Instant.EPOCH).get(0);
		LatencyStats fourCalls = LatencyStats.of(new long[] { 1, 2, 3, 4 }, 10);
		LatencyStats twoCalls = LatencyStats.of(new long[] { 1, 2 }, 10);
		// HTTP: (2 + 10) ms over 4 calls = 3 ms each; SQL: (1 + 4) ms over 2 calls = 2.5 ms each
		CpuUse http = new CpuUse(1_000_000, 2_000_000, 0, 10_000_000);
		CpuUse sql = new CpuUse(0, 1_000_000, 0, 4_000_000);
		assertThat(new ApiBenchmark.ShapeResult(shape, fourCalls, twoCalls, 1, 1, null, http, sql, fourCalls).cpuOverhead())
			.isCloseTo(1.2, within(1e-9));
		// PostgreSQL's CPU time is unknown when the server runs elsewhere
		CpuUse remote = new CpuUse(1_000_000, 2_000_000, 0, -1);
		assertThat(new ApiBenchmark.ShapeResult(shape, fourCalls, twoCalls, 1, 1, null, remote, sql, fourCalls).cpuOverhead())
			.isEqualTo(-1);
	}

}
