package network.manifest.metrics.ingest;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

import com.fasterxml.jackson.core.io.NumberOutput;

/**
 * Turns a float64 sample into the decimal the database stores: the SHORTEST decimal that reads back as the
 * same double (as Go's strconv and Telegraf wrote it), so 0.379 stays 0.379 and not
 * 0.37900000000000000355. Java 17's {@code Double.toString} is not always shortest (JDK-4511638), so the
 * digits come from Jackson's Schubfach implementation (the algorithm of JDK 19+); that one still keeps at
 * least two digits (4.9E-324), which the one-digit check below shortens.
 */
final class SampleValues {

	/** Integral doubles below 2^53 are exact longs: the common case (counters, flags) skips BigDecimal. */
	private static final double EXACT_LONG_LIMIT = 0x1p53;

	private SampleValues() {
	}

	/** The Prometheus staleness marker (a NaN with its own payload). */
	static final long STALE_NAN_BITS = 0x7ff0000000000002L;

	static boolean isStored(double v) {
		return !Double.isNaN(v) && !Double.isInfinite(v);
	}

	/** Plain decimal text for PostgreSQL {@code numeric} input; only for finite values. */
	static String toDecimalText(double v) {
		if (v == Math.rint(v) && Math.abs(v) < EXACT_LONG_LIMIT) {
			return Long.toString((long) v);
		}
		requireStored(v);
		// Between 10^-3 and 10^7 the digits come in plain notation, and a non-integral double there has no
		// shorter one-digit form: already the text wanted, without the BigDecimal round trip (gauges' case).
		String digits = NumberOutput.toString(v, true);
		if (digits.indexOf('E') < 0) {
			return digits;
		}
		return shortest(v, digits).toPlainString();
	}

	static BigDecimal shortest(double v) {
		requireStored(v);
		if (v == 0) {
			return BigDecimal.ZERO;
		}
		return shortest(v, NumberOutput.toString(v, true));
	}

	/** The shortest decimal of a finite, non-zero v from its Schubfach digits. */
	private static BigDecimal shortest(double v, String digits) {
		BigDecimal d = new BigDecimal(digits).stripTrailingZeros();
		if (d.precision() == 2) {
			BigDecimal oneDigit = oneDigit(v);
			if (oneDigit != null) {
				return oneDigit;
			}
		}
		return d;
	}

	private static void requireStored(double v) {
		if (!isStored(v)) {
			throw new IllegalArgumentException("not a finite value: " + v);
		}
	}

	/** The one-significant-digit decimal that reads back as v, if there is one (closest wins). */
	private static BigDecimal oneDigit(double v) {
		BigDecimal exact = new BigDecimal(v);
		BigDecimal down = exact.round(new MathContext(1, RoundingMode.DOWN));
		BigDecimal up = exact.round(new MathContext(1, RoundingMode.UP));
		boolean downOk = down.doubleValue() == v;
		boolean upOk = up.doubleValue() == v;
		if (downOk && upOk) {
			return exact.subtract(down).abs().compareTo(up.subtract(exact).abs()) <= 0 ? down : up;
		}
		return downOk ? down.stripTrailingZeros() : upOk ? up.stripTrailingZeros() : null;
	}

}
