package network.manifest.metrics.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class SampleSelectionTest {

	private static SampleSelection select(long[] times, double[] values) {
		return SampleSelection.of(new DecodedSeries(0, 0, List.of(), times, values));
	}

	@Test
	void dropsNaNStaleAndInfinityAndCountsThem() {
		double stale = Double.longBitsToDouble(SampleValues.STALE_NAN_BITS);
		SampleSelection s = select(new long[] { 1, 2, 3, 4, 5 },
				new double[] { 1, Double.NaN, stale, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY });
		assertThat(s.rows()).containsExactly(0);
		assertThat(s.nan()).isEqualTo(2);
		assertThat(s.inf()).isEqualTo(2);
	}

	@Test
	void sortsByTimeAndKeepsTheFirstOfEqualTimestamps() {
		SampleSelection s = select(new long[] { 30, 10, 20, 10, 30 }, new double[] { 1, 2, 3, 4, 5 });
		assertThat(s.rows()).containsExactly(1, 2, 0);
		assertThat(s.duplicates()).isEqualTo(2);
	}

	@Test
	void timestampsOutsidePostgresRangeAreMalformed() {
		RemoteWriteDecoderTest.assertMalformed(() -> select(new long[] { Long.MAX_VALUE }, new double[] { 1 }),
				"out of range");
	}

}
