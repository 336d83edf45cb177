package network.manifest.metrics.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The benchmark (README, "Benchmarks"): {@code ./mvnw -B test -Pbench} runs it against
 * {@code TEST_DATABASE_URL} (or Testcontainers) with a 256 MiB heap and writes {@code bench/results/latest.md}.
 * Not part of {@code verify}; {@link BenchmarkSmokeTest} runs the same code with tiny sizes there.
 */
@Tag("benchmark")
class GatewayBenchmark {

	@Test
	// a full run takes about 10 minutes; the suite's 5-minute default is for tests, not for this
	@Timeout(value = 40, unit = TimeUnit.MINUTES)
	void benchmark() throws Exception {
		BenchmarkSettings settings = BenchmarkSettings.fromSystemProperties();
		BenchmarkReport report = GatewayBenchmarkRun.run(settings);
		String markdown = report.markdown();
		System.out.println(markdown);
		if (settings.output().getParent() != null) {
			Files.createDirectories(settings.output().getParent());
		}
		Files.writeString(settings.output(), markdown);
		System.out.println("written to " + settings.output().toAbsolutePath());
		// a run that lost or invented rows measured nothing
		assertThat(report.ingest().rawRows()).isEqualTo(report.ingest().samples());
		assertThat(report.ingest().replayNewRows()).isZero();
	}

}
