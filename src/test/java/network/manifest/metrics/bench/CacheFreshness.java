package network.manifest.metrics.bench;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.xerial.snappy.Snappy;

import network.manifest.metrics.ingest.proto.RemoteWriteV1;
import network.manifest.metrics.support.TestDatabase;

/**
 * Cached answers against the database while writes arrive: a writer remote-writes a new sample every
 * {@link #WRITE_EVERY}; readers call a cacheable shape over HTTP (the cache's path) between two direct SQL
 * calls of the same statement. When both SQL answers agree no write committed in between, so the HTTP
 * answer must equal them; otherwise the check is inconclusive and not counted.
 */
final class CacheFreshness {

	/** Much more often than live vmalert (every minute): more chances of a stale answer. */
	static final Duration WRITE_EVERY = Duration.ofSeconds(2);


	/**
	 * @param checked HTTP answers compared with an unchanged database, @param differing those that differed,
	 * @param inconclusive comparisons a write fell into, @param writes remote writes during the run
	 */
	record Result(long checked, long differing, long inconclusive, long writes) {
	}

	/** An upper bound the time limit ends long before (Workers keeps one latency per check). */
	private static final int MAX_CHECKS = 1_000_000;

	private final String base;

	private final TestDatabase.Database database;

	CacheFreshness(int port, TestDatabase.Database database) {
		this.base = "http://127.0.0.1:" + port;
		this.database = database;
	}

	Result run(Duration length, int readers, String acceptEncoding) throws Exception {
		Instant start = Instant.now();
		String from = start.minus(Duration.ofHours(1)).toString();
		String to = start.plus(Duration.ofHours(1)).toString();
		// one series written to, read as a range (a key that stays the same) and as the latest values
		String range = "/rpc/get_agg_metric?p_metric_name=cache_freshness&p_schema=common&p_interval="
				+ encode("1 minute") + "&p_from=" + encode(from) + "&p_to=" + encode(to);
		String rangeSql = "select coalesce(json_agg(_r), '[]')::text from (select _c.* from api.get_agg_metric("
				+ "p_metric_name := 'cache_freshness', p_schema := 'common', p_interval := '1 minute', p_from := '" + from
				+ "', p_to := '" + to + "') as _c(\"timestamp\", value)) _r";
		String latest = "/rpc/get_all_latest_common_metrics";
		String latestSql = "select coalesce(json_agg(_r), '[]')::text from (select _c.* from"
				+ " api.get_all_latest_common_metrics() as _c(\"timestamp\", table_name, value)) _r";
		AtomicLong checked = new AtomicLong();
		AtomicLong differing = new AtomicLong();
		AtomicLong inconclusive = new AtomicLong();
		AtomicLong writes = new AtomicLong();
		long end = System.nanoTime() + length.toNanos();

		Thread writer = new Thread(() -> {
			URI write = URI.create(base + "/write");
			try {
				for (long n = 1; System.nanoTime() < end; n++) {
					BlockingHttp.post(write, RemoteWriteBody.HEADERS, body(System.currentTimeMillis(), n), 204);
					writes.incrementAndGet();
					Thread.sleep(WRITE_EVERY.toMillis());
				}
			}
			catch (InterruptedException e) {
				Thread.currentThread().interrupt();
			}
			catch (IOException e) {
				throw new IllegalStateException(e);
			}
		}, "bench-freshness-writer");
		writer.start();
		LatencyStats ignored = Workers.run(readers, MAX_CHECKS, length.toNanos(), () -> new Check(rangeSql, latestSql,
				URI.create(base + range), URI.create(base + latest), acceptEncoding, checked, differing, inconclusive));
		writer.join(WRITE_EVERY.toMillis() * 5);
		if (ignored.count() == 0) {
			throw new IllegalStateException("no freshness check ran");
		}
		return new Result(checked.get(), differing.get(), inconclusive.get(), writes.get());
	}

	/** One reader: its connection, and the two shapes taken in turns. */
	private final class Check implements Workers.Job, AutoCloseable {

		private final Connection c;

		private final PreparedStatement rangeStatement;

		private final PreparedStatement latestStatement;

		private final URI range;

		private final URI latest;

		private final String acceptEncoding;

		private final AtomicLong checked;

		private final AtomicLong differing;

		private final AtomicLong inconclusive;

		Check(String rangeSql, String latestSql, URI range, URI latest, String acceptEncoding, AtomicLong checked,
				AtomicLong differing, AtomicLong inconclusive) throws SQLException {
			this.c = open();
			this.rangeStatement = c.prepareStatement(rangeSql);
			this.latestStatement = c.prepareStatement(latestSql);
			this.range = range;
			this.latest = latest;
			this.acceptEncoding = acceptEncoding;
			this.checked = checked;
			this.differing = differing;
			this.inconclusive = inconclusive;
		}

		@Override
		public void run(int i) throws Exception {
			boolean even = i % 2 == 0;
			PreparedStatement sql = even ? rangeStatement : latestStatement;
			String before = answer(sql);
			byte[] http = BlockingHttp.getCached(even ? range : latest, acceptEncoding).body();
			String after = answer(sql);
			if (!before.equals(after)) {
				inconclusive.incrementAndGet();
				return;
			}
			checked.incrementAndGet();
			if (!Arrays.equals(http, before.getBytes(StandardCharsets.UTF_8))) {
				differing.incrementAndGet();
			}
		}

		@Override
		public void close() throws SQLException {
			c.close();
		}

	}

	private Connection open() throws SQLException {
		Connection c = database.connect();
		try (Statement st = c.createStatement()) {
			st.execute("SET TimeZone = 'UTC'");
		}
		return c;
	}

	private static String answer(PreparedStatement statement) throws SQLException {
		try (ResultSet rs = statement.executeQuery()) {
			rs.next();
			return rs.getString(1);
		}
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
	}

	private static byte[] body(long time, long value) throws IOException {
		RemoteWriteV1.WriteRequest request = RemoteWriteV1.WriteRequest.newBuilder()
			.addTimeseries(RemoteWriteV1.TimeSeries.newBuilder()
				.addAllLabels(List.of(RemoteWriteV1.Label.newBuilder().setName("__name__").setValue("cache_freshness").build()))
				.addSamples(RemoteWriteV1.Sample.newBuilder().setTimestamp(time).setValue(value)))
			.build();
		return Snappy.compress(request.toByteArray());
	}

}
