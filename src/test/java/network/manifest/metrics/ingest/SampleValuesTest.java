package network.manifest.metrics.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.SplittableRandom;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class SampleValuesTest {

	@ParameterizedTest
	@CsvSource({ "0.379, 0.379", "3, 3", "-1, -1", "60, 60", "0.002, 0.002", "1.0E23, 100000000000000000000000",
			"2.0E23, 200000000000000000000000", "135304300855652060000, 135304300855652060000",
			"0.1, 0.1", "1.5, 1.5", "-0.0, 0", "123456.789, 123456.789", "9007199254740993, 9007199254740992" })
	void shortestDecimalAsPostgresInput(double value, String expected) {
		assertThat(SampleValues.toDecimalText(value)).isEqualTo(expected);
		assertThat(new BigDecimal(expected).doubleValue()).isEqualTo(value == 0 ? 0.0 : value);
	}

	@Test
	void extremesArePlainDecimals() {
		assertThat(SampleValues.toDecimalText(Double.MIN_VALUE)).isEqualTo(new BigDecimal("5E-324").toPlainString());
		assertThat(SampleValues.toDecimalText(Double.MAX_VALUE))
			.isEqualTo(new BigDecimal("1.7976931348623157E308").toPlainString());
	}

	@Test
	void javaSeventeensNonShortestCases() {
		// Java 17's Double.toString gives 9.999999999999999E22 for 1.0E23 and 1.9999999999999998E23 for 2.0E23
		assertThat(SampleValues.shortest(2.0E-3)).isEqualTo(new BigDecimal("0.002"));
		assertThat(SampleValues.shortest(1.0E23)).isEqualByComparingTo("1E23");
		assertThat(SampleValues.shortest(1.0E23).precision()).isEqualTo(1);
		assertThat(SampleValues.shortest(2.0E23).precision()).isEqualTo(1);
		assertThat(SampleValues.shortest(Double.MIN_VALUE)).isEqualTo(new BigDecimal("5E-324"));
	}

	@Test
	void roundTripsAndIsNeverLongerThanNeeded() {
		SplittableRandom random = new SplittableRandom(42);
		for (int i = 0; i < 20_000; i++) {
			double v = Double.longBitsToDouble(random.nextLong());
			if (!SampleValues.isStored(v)) {
				continue;
			}
			BigDecimal d = SampleValues.shortest(v);
			assertThat(d.doubleValue()).as("round trip of %s", v).isEqualTo(v);
			if (d.precision() > 1) {
				// one digit fewer never reads back as the same double
				BigDecimal shorter = new BigDecimal(v).round(new java.math.MathContext(d.precision() - 1,
						java.math.RoundingMode.HALF_EVEN));
				assertThat(shorter.doubleValue()).as("shorter than %s", d).isNotEqualTo(v);
			}
		}
	}

	@Test
	void gaugeSizedValuesGiveTheSameTextAsTheGeneralPath() {
		SplittableRandom random = new SplittableRandom(7);
		for (int i = 0; i < 50_000; i++) {
			// 1 to 17 significant digits, from 10^-4 to 10^8: both sides of the plain-notation range
			int digits = 1 + random.nextInt(17);
			BigDecimal unscaled = BigDecimal.valueOf(random.nextLong(1, (long) Math.pow(10, Math.min(digits, 18))));
			double v = unscaled.scaleByPowerOfTen(random.nextInt(-4 - digits, 9 - digits)).doubleValue()
					* (random.nextBoolean() ? 1 : -1);
			assertThat(SampleValues.toDecimalText(v)).as("text of %s", v)
				.isEqualTo(SampleValues.shortest(v).toPlainString());
		}
	}

	@Test
	void nanAndInfinityAreNotStored() {
		assertThat(SampleValues.isStored(Double.NaN)).isFalse();
		assertThat(SampleValues.isStored(Double.longBitsToDouble(SampleValues.STALE_NAN_BITS))).isFalse();
		assertThat(SampleValues.isStored(Double.POSITIVE_INFINITY)).isFalse();
		assertThat(SampleValues.isStored(Double.NEGATIVE_INFINITY)).isFalse();
		assertThatThrownBy(() -> SampleValues.shortest(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> SampleValues.toDecimalText(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> SampleValues.toDecimalText(Double.POSITIVE_INFINITY))
			.isInstanceOf(IllegalArgumentException.class);
	}

}
