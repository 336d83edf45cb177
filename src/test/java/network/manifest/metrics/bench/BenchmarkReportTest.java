package network.manifest.metrics.bench;

import static org.assertj.core.api.Assertions.assertThat;

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

}
