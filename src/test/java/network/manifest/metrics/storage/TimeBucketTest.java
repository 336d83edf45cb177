package network.manifest.metrics.storage;

import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static network.manifest.metrics.storage.Jdbc.rows;
import static network.manifest.metrics.storage.Jdbc.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.postgresql.util.PSQLException;

/**
 * internal.time_bucket equals TimescaleDB's time_bucket(interval, timestamptz): known values, an independent
 * Java model of TimescaleDB's algorithm over many generated values, and — where the extension is installed —
 * TimescaleDB itself.
 */
class TimeBucketTest {

	/** TimescaleDB's default origin for widths without months: Monday 2000-01-03 00:00 UTC. */
	static final Instant ORIGIN = Instant.parse("2000-01-03T00:00:00Z");

	static MigratedDatabase db;

	static Connection c;

	@BeforeAll
	static void migrate() throws SQLException {
		db = MigratedDatabase.create();
		c = db.connect();
		// Buckets are UTC whatever the session's time zone (this one has DST and a non-hour offset history).
		try (Statement st = c.createStatement()) {
			st.execute("SET TIME ZONE 'America/St_Johns'");
		}
	}

	@AfterAll
	static void close() throws SQLException {
		c.close();
	}

	@ParameterizedTest(name = "{0} of {1} is {2}")
	@CsvSource(delimiter = ';', textBlock = """
			1 minute;   2024-05-05 12:34:56.789+00;  2024-05-05T12:34:00Z
			1 hour;     2024-05-05 12:34:56+00;      2024-05-05T12:00:00Z
			1 day;      2024-05-05 12:34:56+00;      2024-05-05T00:00:00Z
			24 hours;   2024-05-05 12:34:56+00;      2024-05-05T00:00:00Z
			1 week;     2024-05-05 12:34:56+00;      2024-04-29T00:00:00Z
			7 days;     2024-05-06 00:00:00+00;      2024-05-06T00:00:00Z
			1 month;    2024-05-05 12:34:56+00;      2024-05-01T00:00:00Z
			1 month;    2024-02-29 23:59:59.999999+00; 2024-02-01T00:00:00Z
			3 months;   2024-05-05 12:34:56+00;      2024-04-01T00:00:00Z
			3 months;   2024-03-31 23:59:59+00;      2024-01-01T00:00:00Z
			1 year;     2024-05-05 12:34:56+00;      2024-01-01T00:00:00Z
			5 minutes;  2024-05-05 12:34:56+00;      2024-05-05T12:30:00Z
			7 minutes;  2000-01-03 00:13:59+00;      2000-01-03T00:07:00Z
			2 days;     2000-01-04 12:00:00+00;      2000-01-03T00:00:00Z
			2 days;     2000-01-02 23:59:59+00;      2000-01-01T00:00:00Z
			1 week;     2000-01-02 12:00:00+00;      1999-12-27T00:00:00Z
			5 minutes;  1999-12-31 23:58:00+00;      1999-12-31T23:55:00Z
			3 months;   1999-12-31 23:00:00+00;      1999-10-01T00:00:00Z
			5 months;   1999-12-31 23:00:00+00;      1999-08-01T00:00:00Z
			90 seconds; 1970-01-01 00:00:01+00;      1970-01-01T00:00:00Z
			1 hour;     1969-07-20 20:17:40+00;      1969-07-20T20:00:00Z
			3 days;     1900-01-01 00:00:00+00;      1899-12-30T00:00:00Z
			1.5 seconds; 2000-01-03 00:00:01.4+00;   2000-01-03T00:00:00Z
			1 millisecond; 2024-05-05 12:34:56.789123+00; 2024-05-05T12:34:56.789Z
			""")
	void knownValues(String width, String time, String expected) throws SQLException {
		assertThat(bucket(width, time)).isEqualTo(Instant.parse(expected));
	}

	@Test
	void nullInfinityAndInvalidWidthsBehaveLikeTimescaleDb() throws SQLException {
		assertThat(rows(c, "SELECT internal.time_bucket(NULL, now()) IS NULL, internal.time_bucket('1 minute', NULL) IS NULL, "
				+ "internal.time_bucket('1 minute', 'infinity') = 'infinity', "
				+ "internal.time_bucket('1 month', '-infinity') = '-infinity'")).containsExactly("t|t|t|t");
		assertThatThrownBy(() -> bucket("1 month 2 hours", "2024-01-01 00:00+00"))
			.isInstanceOfSatisfying(PSQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("0A000"));
		assertThatThrownBy(() -> bucket("0 minutes", "2024-01-01 00:00+00"))
			.isInstanceOfSatisfying(PSQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("22023"));
		assertThatThrownBy(() -> bucket("-5 minutes", "2024-01-01 00:00+00"))
			.isInstanceOfSatisfying(PSQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("22023"));
	}

	@Test
	void isInlinedByThePlanner() throws SQLException {
		String plan = String.join("\n", rows(c, "EXPLAIN VERBOSE SELECT internal.time_bucket('1 minute', t) "
				+ "FROM generate_series(timestamptz '2024-01-01', '2024-01-02', '1 hour') t"));
		assertThat(plan).contains("date_trunc").doesNotContain("time_bucket");
	}

	@Test
	void equalsAModelOfTimescaleDbsAlgorithmOnGeneratedValues() throws SQLException {
		Random random = new Random(20240310);
		List<String> widths = List.of("1 minute", "1 hour", "1 day", "7 days", "15 minutes", "10 seconds",
				"6 hours", "3 days", "1 month", "2 months", "3 months", "1 year", "7 months", "250 milliseconds");
		try (PreparedStatement st = c.prepareStatement("SELECT internal.time_bucket(?::interval, ?::timestamptz)")) {
			for (int i = 0; i < 3000; i++) {
				String width = widths.get(random.nextInt(widths.size()));
				// 1900 .. 2100, microsecond precision
				long micros = (long) ((random.nextDouble() * 200 - 100) * 365.25 * 86400) * 1_000_000
						+ random.nextInt(1_000_000);
				Instant t = ORIGIN.plus(micros, ChronoUnit.MICROS);
				st.setString(1, width);
				st.setString(2, t.toString());
				try (ResultSet rs = st.executeQuery()) {
					rs.next();
					assertThat(rs.getObject(1, OffsetDateTime.class).toInstant()).as("%s of %s", width, t)
						.isEqualTo(model(width, t));
				}
			}
		}
	}

	@Test
	void equalsTimescaleDbWhereTheExtensionIsInstalled() throws SQLException {
		boolean extension = !rows(c, "SELECT 1 FROM pg_extension WHERE extname = 'timescaledb'").isEmpty();
		assumeTrue(extension, "TimescaleDB is not installed in this database, nothing to compare against");
		String ts = value(c, "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
				+ "WHERE e.extname = 'timescaledb'");
		assertThat(value(c, """
				SELECT count(*) FROM unnest(ARRAY['1 minute', '1 hour', '1 day', '7 days', '15 minutes', '10 seconds',
						'3 days', '1 month', '2 months', '3 months', '1 year', '7 months', '250 milliseconds']::interval[]) w,
					generate_series(1, 2000) i,
					LATERAL (SELECT timestamptz '1900-01-01' + (hashint4(i) / 2147483648.0 + 1) * interval '100 years'
						+ (hashint4(-i) & 1048575) * interval '1 microsecond' AS t) g
				WHERE internal.time_bucket(w, g.t) IS DISTINCT FROM %s.time_bucket(w, g.t)""".formatted(ts)))
			.isEqualTo("0");
	}

	static Instant bucket(String width, String time) throws SQLException {
		try (PreparedStatement st = c.prepareStatement("SELECT internal.time_bucket(?::interval, ?::timestamptz)")) {
			st.setString(1, width);
			st.setString(2, time);
			try (ResultSet rs = st.executeQuery()) {
				rs.next();
				return rs.getObject(1, OffsetDateTime.class).toInstant();
			}
		}
	}

	/**
	 * TimescaleDB's ts_timestamptz_bucket: months → floor over months since 2000-01 on the UTC date; otherwise
	 * floor division of microseconds since 2000-01-03 UTC by the width.
	 */
	static Instant model(String width, Instant t) {
		String[] parts = width.split(" ");
		long n = Long.parseLong(parts[0]);
		String unit = parts[1].replaceAll("s$", "");
		if (unit.equals("month") || unit.equals("year")) {
			long months = unit.equals("year") ? 12 * n : n;
			LocalDate date = t.atOffset(ZoneOffset.UTC).toLocalDate();
			long sinceOrigin = (date.getYear() - 2000L) * 12 + date.getMonthValue() - 1;
			long bucket = Math.floorDiv(sinceOrigin, months) * months;
			return LocalDate.of(2000, 1, 1).plusMonths(bucket).atStartOfDay(ZoneOffset.UTC).toInstant();
		}
		Duration d = switch (unit) {
			case "millisecond" -> Duration.ofMillis(n);
			case "second" -> Duration.ofSeconds(n);
			case "minute" -> Duration.ofMinutes(n);
			case "hour" -> Duration.ofHours(n);
			case "day" -> Duration.ofDays(n);
			default -> throw new IllegalArgumentException(width);
		};
		long period = d.toNanos() / 1000;
		long micros = ChronoUnit.MICROS.between(ORIGIN, t);
		return ORIGIN.plus(Math.floorDiv(micros, period) * period, ChronoUnit.MICROS);
	}

}
