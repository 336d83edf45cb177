package network.manifest.metrics.storage;

import static network.manifest.metrics.storage.Jdbc.execute;
import static network.manifest.metrics.storage.Jdbc.rows;
import static network.manifest.metrics.storage.Jdbc.update;
import static network.manifest.metrics.storage.Jdbc.value;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

/**
 * Rows written into the staging tables land in the raw tables once, and every rollup counts each new row
 * exactly once: repeated, overlapping and concurrent writes included. Each test uses its own metric name.
 */
class StagingFlushTest {

	static MigratedDatabase db;

	static Connection c;

	@BeforeAll
	static void migrate() throws SQLException {
		db = MigratedDatabase.create();
		c = db.connect();
	}

	@AfterAll
	static void close() throws SQLException {
		c.close();
	}

	/** The start of a multi-row INSERT of internal samples into the shared staging table. */
	static final String INTERNAL_SAMPLES =
			"INSERT INTO staging_internal.prometheus_remote_write (time, tag_id, name, schema, value) VALUES ";

	/** A multi-row INSERT of cumsum samples of one metric, one per second from 10:00:00 (seconds first..last). */
	static String cumsumBatch(String name, int first, int last) {
		StringBuilder sql = new StringBuilder(
				"INSERT INTO staging_cumsum.prometheus_remote_write (time, tag_id, name, schema, value) VALUES ");
		for (int s = first; s <= last; s++) {
			sql.append(s == first ? "" : ", ")
				.append("(timestamptz '2025-01-01 10:00:00+00' + interval '")
				.append(s)
				.append(" seconds', 7, '")
				.append(name)
				.append("', 'cumsum', ")
				.append(s)
				.append(')');
		}
		return sql.toString();
	}

	/** Sum of 1..n of seconds s in [first, last]: the expected total of {@link #cumsumBatch}. */
	static long sum(int first, int last) {
		return (long) (first + last) * (last - first + 1) / 2;
	}

	/** The per-minute sums of a metric added up; the all-time total kept beside them must agree. */
	static String rollupTotal(Connection c, String name) throws SQLException {
		String minutes = value(c, "SELECT coalesce(sum(sum_value), 0) FROM cumsum.all_metrics_minute WHERE name = ?", name);
		assertThat(value(c, "SELECT coalesce(sum(sum_value), 0) FROM cumsum.metric_totals WHERE name = ?", name))
			.as("all-time total of %s", name)
			.isEqualTo(minutes);
		return minutes;
	}

	/** A schema's hour and day tier ({@code max_calculated}) as "hour|day"; fails unless both have one row. */
	static String hourAndDay(Connection c, String schema) throws SQLException {
		return value(c, "SELECT h.max_calculated || '|' || d.max_calculated FROM internal.metric_rollup_1h h "
				+ "JOIN internal.metric_rollup_1d d USING (name, schema) WHERE schema = ?", schema);
	}

	static String rawCount(Connection c, String name) throws SQLException {
		return value(c, "SELECT count(*) FROM cumsum.prometheus_remote_write WHERE name = ?", name);
	}

	@Test
	void theSameBatchTwiceCountsOnce() throws SQLException {
		assertThat(update(c, cumsumBatch("twice", 0, 119))).isEqualTo(120);
		assertThat(update(c, cumsumBatch("twice", 0, 119))).isEqualTo(120);
		assertThat(rawCount(c, "twice")).isEqualTo("120");
		assertThat(rollupTotal(c, "twice")).isEqualTo(String.valueOf(sum(0, 119)));
		assertThat(rows(c, "SELECT bucket, sum_value FROM cumsum.all_metrics_minute WHERE name = 'twice' ORDER BY 1"))
			.containsExactly("2025-01-01 10:00:00+00|" + sum(0, 59), "2025-01-01 10:01:00+00|" + sum(60, 119));
		assertThat(value(c, "SELECT count(*) FROM staging_cumsum.prometheus_remote_write")).isEqualTo("0");
	}

	@Test
	void overlappingBatchesAndDuplicatesInOneStatementCountOnce() throws SQLException {
		update(c, cumsumBatch("overlap", 0, 89));
		update(c, cumsumBatch("overlap", 30, 149));
		update(c, cumsumBatch("overlap", 100, 100) + ", ('2025-01-01 10:01:40+00', 7, 'overlap', 'cumsum', 100)");
		assertThat(rawCount(c, "overlap")).isEqualTo("150");
		assertThat(rollupTotal(c, "overlap")).isEqualTo(String.valueOf(sum(0, 149)));
	}

	@Test
	void theTransactionCounterTellsNewRowsFromRepeatedOnes() throws SQLException {
		c.setAutoCommit(false);
		try {
			update(c, cumsumBatch("counted", 0, 9));
			update(c, cumsumBatch("counted", 5, 14));
			assertThat(value(c, "SELECT current_setting('gateway.inserted_rows')")).isEqualTo("15");
			c.commit();
		}
		finally {
			c.setAutoCommit(true);
		}
	}

	@Test
	void copyIsFlushedLikeInsert() throws Exception {
		String csv = "2025-01-01 11:00:00+00,7,copied,cumsum,5\n2025-01-01 11:00:01+00,7,copied,cumsum,6\n"
				+ "2025-01-01 11:00:01+00,7,copied,cumsum,6\n";
		for (int i = 0; i < 2; i++) {
			long copied = c.unwrap(PGConnection.class)
				.getCopyAPI()
				.copyIn("COPY staging_cumsum.prometheus_remote_write FROM STDIN (FORMAT csv)", new StringReader(csv));
			assertThat(copied).isEqualTo(3);
		}
		assertThat(rawCount(c, "copied")).isEqualTo("2");
		assertThat(rollupTotal(c, "copied")).isEqualTo("11");
	}

	@Test
	void concurrentTransactionsWritingTheSameRowsCountThemOnce() throws Exception {
		try (Connection first = db.connect(); Connection second = db.connect()) {
			first.setAutoCommit(false);
			second.setAutoCommit(false);
			update(first, cumsumBatch("concurrent", 0, 99));
			int secondPid = Integer.parseInt(value(second, "SELECT pg_backend_pid()"));
			// The second writer overlaps the first's uncommitted rows, so it must wait for the first to end.
			CompletableFuture<Integer> blocked = CompletableFuture.supplyAsync(() -> {
				try {
					int n = update(second, cumsumBatch("concurrent", 50, 149));
					second.commit();
					return n;
				}
				catch (SQLException e) {
					throw new IllegalStateException(e);
				}
			});
			awaitLockWait(secondPid);
			assertThat(blocked).isNotDone();
			first.commit();
			assertThat(blocked.get(30, TimeUnit.SECONDS)).isEqualTo(100);
		}
		assertThat(rawCount(c, "concurrent")).isEqualTo("150");
		assertThat(rollupTotal(c, "concurrent")).isEqualTo(String.valueOf(sum(0, 149)));
	}

	@Test
	void aRolledBackWriterLeavesItsRowsToTheWaitingOne() throws Exception {
		try (Connection first = db.connect(); Connection second = db.connect()) {
			first.setAutoCommit(false);
			second.setAutoCommit(false);
			update(first, cumsumBatch("rolledback", 0, 99));
			int secondPid = Integer.parseInt(value(second, "SELECT pg_backend_pid()"));
			CompletableFuture<Void> blocked = CompletableFuture.runAsync(() -> {
				try {
					update(second, cumsumBatch("rolledback", 50, 149));
					second.commit();
				}
				catch (SQLException e) {
					throw new IllegalStateException(e);
				}
			});
			awaitLockWait(secondPid);
			first.rollback();
			blocked.get(30, TimeUnit.SECONDS);
		}
		assertThat(rawCount(c, "rolledback")).isEqualTo("100");
		assertThat(rollupTotal(c, "rolledback")).isEqualTo(String.valueOf(sum(50, 149)));
	}

	@Test
	void concurrentWritersOfTheSameTagsAndRollupKeysDoNotLoseUpdates() throws Exception {
		// Distinct raw rows, same minute buckets: both writers add to the same rollup rows.
		try (Connection first = db.connect(); Connection second = db.connect()) {
			first.setAutoCommit(false);
			second.setAutoCommit(false);
			update(first, "INSERT INTO staging_internal.prometheus_remote_write_tag (tag_id, instance) VALUES (70, 'x')");
			update(first, cumsumBatch("shared_bucket", 0, 59).replace(", 7, ", ", 70, "));
			int secondPid = Integer.parseInt(value(second, "SELECT pg_backend_pid()"));
			CompletableFuture<Void> blocked = CompletableFuture.runAsync(() -> {
				try {
					update(second, "INSERT INTO staging_internal.prometheus_remote_write_tag (tag_id, instance) VALUES (71, 'y')");
					update(second, cumsumBatch("shared_bucket", 0, 59).replace(", 7, ", ", 71, "));
					second.commit();
				}
				catch (SQLException e) {
					throw new IllegalStateException(e);
				}
			});
			awaitLockWait(secondPid);
			first.commit();
			blocked.get(30, TimeUnit.SECONDS);
		}
		assertThat(rawCount(c, "shared_bucket")).isEqualTo("120");
		assertThat(rows(c, "SELECT bucket, sum_value FROM cumsum.all_metrics_minute WHERE name = 'shared_bucket'"))
			.containsExactly("2025-01-01 10:00:00+00|" + 2 * sum(0, 59));
	}

	@Test
	void tagRowsUpsertKeepingStoredColumnsWhereTheNewRowHasNulls() throws SQLException {
		update(c, "INSERT INTO staging_internal.prometheus_remote_write_tag (tag_id, host, instance) VALUES (80, 'h', 'i')");
		update(c, "INSERT INTO staging_cumsum.prometheus_remote_write_tag (tag_id, host, supply) VALUES (80, NULL, '5')");
		update(c, "INSERT INTO staging_internal.prometheus_remote_write_tag (tag_id, instance) VALUES (80, 'j'), (80, NULL)");
		assertThat(rows(c, "SELECT * FROM internal.prometheus_remote_write_tag WHERE tag_id = 80"))
			.containsExactly("80|h|j|null|null|5|null|null");
		assertThat(value(c, "SELECT count(*) FROM staging_internal.prometheus_remote_write_tag")).isEqualTo("0");
		assertThat(value(c, "SELECT count(*) FROM staging_cumsum.prometheus_remote_write_tag")).isEqualTo("0");
	}

	@Test
	void aLabelThatShouldBeNumericButIsNotFailsNothing() throws SQLException {
		update(c, "INSERT INTO staging_internal.prometheus_remote_write_tag (tag_id, supply, excluded_supply, amount) "
				+ "VALUES (90, 'lots', 'NaN', '1e999999')");
		update(c, "INSERT INTO staging_internal.prometheus_remote_write (time, tag_id, name, schema, value) "
				+ "VALUES ('2025-01-01 12:00:00+00', 90, 'manifest_tokenomics_total_supply', 'badlabel', 42)");
		assertThat(rows(c, "SELECT bucket, value FROM internal.cagg_calculated_metric WHERE schema = 'badlabel'"))
			.containsExactly("2025-01-01 12:00:00+00|42");
	}

	@Test
	void internalSamplesUpdateTheMetricRollupOncePerNewRow() throws SQLException {
		update(c, "INSERT INTO staging_internal.prometheus_remote_write_tag (tag_id, amount) VALUES (100, '10'), (101, '30')");
		String batch = INTERNAL_SAMPLES
				+ "('2025-01-01 13:00:10+00', 100, 'locked_fees', 'once', 1), "
				+ "('2025-01-01 13:00:20+00', 101, 'locked_fees', 'once', 2)";
		update(c, batch);
		update(c, batch);
		update(c, INTERNAL_SAMPLES
				+ "('2025-01-01 13:00:15+00', 100, 'locked_fees', 'once', 9)");
		assertThat(rows(c, "SELECT max_amount, max_value, last_time, last_tag_id, last_value FROM internal.metric_rollup_1m "
				+ "WHERE schema = 'once'")).containsExactly("30|9|2025-01-01 13:00:20+00|101|2");
		assertThat(value(c, "SELECT count(*) FROM internal.prometheus_remote_write WHERE schema = 'once'")).isEqualTo("3");
	}

	@Test
	void newSamplesOfAStoredMinuteAndANewOneMergeTheFirstCreateTheSecondAndRefreshTheirHour() throws SQLException {
		update(c, INTERNAL_SAMPLES + "('2025-01-01 17:00:10+00', 500, 'minutes', 'minutes', 5)");
		assertThat(value(c, "SELECT max_calculated FROM internal.metric_rollup_1h WHERE schema = 'minutes'")).isEqualTo("5");
		// every sample is new, but the first one's minute is stored: the minute rows cannot all be inserted
		update(c, INTERNAL_SAMPLES + "('2025-01-01 17:00:30+00', 501, 'minutes', 'minutes', 3), "
				+ "('2025-01-01 17:01:10+00', 500, 'minutes', 'minutes', 2)");
		assertThat(rows(c, "SELECT bucket, max_value, last_time, last_tag_id, last_value FROM internal.metric_rollup_1m "
				+ "WHERE schema = 'minutes' ORDER BY 1")).containsExactly(
						"2025-01-01 17:00:00+00|5|2025-01-01 17:00:30+00|501|3",
						"2025-01-01 17:01:00+00|2|2025-01-01 17:01:10+00|500|2");
		// the first minute's latest value fell from 5 to 3: its hour and day are recomputed, not maxed
		assertThat(hourAndDay(c, "minutes")).isEqualTo("3|3");
	}

	@Test
	void aMinutesLatestSampleIsTheLatestTimeThenTheGreatestTag() throws SQLException {
		update(c, INTERNAL_SAMPLES
				+ "('2025-01-01 18:00:50+00', 610, 'latest', 'latest', 1), "
				+ "('2025-01-01 18:00:50+00', 602, 'latest', 'latest', 2), "
				+ "('2025-01-01 18:00:59.5+00', 601, 'latest', 'latest', 3), "
				+ "('2025-01-01 18:00:59.5+00', 600, 'latest', 'latest', 4), "
				+ "('2025-01-01 18:00:10+00', 900, 'latest', 'latest', 5)");
		assertThat(rows(c, "SELECT max_value, last_time, last_tag_id, last_value FROM internal.metric_rollup_1m "
				+ "WHERE schema = 'latest'")).containsExactly("5|2025-01-01 18:00:59.5+00|601|3");
	}

	@Test
	void aBatchWhoseLastSampleIsStoredAlreadyStoresTheOthersOnceAndRollsUpOnlyThem() throws SQLException {
		update(c, INTERNAL_SAMPLES + "('2025-01-01 14:01:05+00', 200, 'mixed', 'mixed', 3)");
		c.setAutoCommit(false);
		try {
			// in key order the stored sample comes last: the first two were inserted before the conflict showed
			update(c, INTERNAL_SAMPLES + "('2025-01-01 14:00:10+00', 200, 'mixed', 'mixed', 5), "
					+ "('2025-01-01 14:00:20+00', 200, 'mixed', 'mixed', 7), "
					+ "('2025-01-01 14:01:05+00', 200, 'mixed', 'mixed', 100)");
			assertThat(value(c, "SELECT current_setting('gateway.inserted_rows')")).isEqualTo("2");
			c.commit();
		}
		finally {
			c.setAutoCommit(true);
		}
		assertThat(rows(c, "SELECT time, value FROM internal.prometheus_remote_write WHERE schema = 'mixed' ORDER BY 1"))
			.containsExactly("2025-01-01 14:00:10+00|5", "2025-01-01 14:00:20+00|7", "2025-01-01 14:01:05+00|3");
		assertThat(rows(c, "SELECT bucket, max_value, last_value FROM internal.metric_rollup_1m WHERE schema = 'mixed' "
				+ "ORDER BY 1")).containsExactly("2025-01-01 14:00:00+00|7|7", "2025-01-01 14:01:00+00|3|3");
		assertThat(value(c, "SELECT max_calculated FROM internal.metric_rollup_1h WHERE schema = 'mixed'")).isEqualTo("7");
	}

	@Test
	void aMinuteTwoConcurrentWritersCreateIsMergedNotLost() throws Exception {
		try (Connection first = db.connect(); Connection second = db.connect()) {
			first.setAutoCommit(false);
			second.setAutoCommit(false);
			update(first, INTERNAL_SAMPLES + "('2025-01-01 16:00:20+00', 300, 'race', 'race', 4)");
			int secondPid = Integer.parseInt(value(second, "SELECT pg_backend_pid()"));
			// Another series, the same minute: the second writer waits for the first's uncommitted minute row,
			// then must merge into it, not replace it.
			CompletableFuture<String> blocked = CompletableFuture.supplyAsync(() -> {
				try {
					update(second, INTERNAL_SAMPLES + "('2025-01-01 16:00:40+00', 301, 'race', 'race', 2)");
					String inserted = value(second, "SELECT current_setting('gateway.inserted_rows')");
					second.commit();
					return inserted;
				}
				catch (SQLException e) {
					throw new IllegalStateException(e);
				}
			});
			awaitLockWait(secondPid);
			assertThat(blocked).isNotDone();
			first.commit();
			assertThat(blocked.get(30, TimeUnit.SECONDS)).isEqualTo("1");
		}
		assertThat(rows(c, "SELECT max_value, last_time, last_tag_id, last_value FROM internal.metric_rollup_1m "
				+ "WHERE schema = 'race'")).containsExactly("4|2025-01-01 16:00:40+00|301|2");
		assertThat(hourAndDay(c, "race")).isEqualTo("2|2");
	}

	@Test
	void aSampleTwiceInOneStatementIsStoredOnceWithTheSmallerValue() throws SQLException {
		update(c, INTERNAL_SAMPLES
				+ "('2025-01-01 15:00:10+00', 400, 'twice_in_one', 'twice_in_one', 8), "
				+ "('2025-01-01 15:00:10+00', 400, 'twice_in_one', 'twice_in_one', 4)");
		assertThat(rows(c, "SELECT value FROM internal.prometheus_remote_write WHERE schema = 'twice_in_one'"))
			.containsExactly("4");
		assertThat(rows(c, "SELECT max_value, last_value FROM internal.metric_rollup_1m WHERE schema = 'twice_in_one'"))
			.containsExactly("4|4");
	}

	/** Waits until the backend {@code pid} waits for a lock (its transaction is blocked by another). */
	static void awaitLockWait(int pid) throws SQLException, InterruptedException {
		Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
		try (Connection observer = db.connect()) {
			while (!"Lock".equals(value(observer,
					"SELECT coalesce(wait_event_type, '') FROM pg_stat_activity WHERE pid = ?", pid))) {
				if (Instant.now().isAfter(deadline)) {
					throw new IllegalStateException("backend " + pid + " never waited for a lock");
				}
				Thread.onSpinWait();
			}
		}
	}

	@Test
	void sessionStagingTablesFlushLikeTheSharedOnesAndEmptyAtCommit() throws SQLException {
		try (Connection own = db.connect()) {
			own.setAutoCommit(false);
			execute(own, "SELECT internal.create_session_staging()");
			execute(own, "SELECT internal.create_session_staging()"); // a second call keeps what exists
			update(own, "INSERT INTO pg_temp.staged_tags (tag_id, host) VALUES (77, 'session')");
			update(own, cumsumBatch("session", 0, 119).replace("staging_cumsum.prometheus_remote_write",
					"pg_temp.staged_cumsum_samples"));
			update(own, cumsumBatch("session", 60, 179).replace("staging_cumsum.prometheus_remote_write",
					"pg_temp.staged_cumsum_samples"));
			update(own, "INSERT INTO pg_temp.staged_internal_samples (time, tag_id, name, schema, value) "
					+ "VALUES ('2025-01-01 10:00:30+00', 77, 'session_gauge', 'common', 5)");
			// flushed already, still in this transaction's temporary tables until commit
			assertThat(value(own, "SELECT count(*) FROM pg_temp.staged_cumsum_samples")).isEqualTo("240");
			own.commit();
			assertThat(value(own, "SELECT count(*) FROM pg_temp.staged_cumsum_samples")).isEqualTo("0");
			assertThat(value(own, "SELECT count(*) FROM pg_temp.staged_internal_samples")).isEqualTo("0");
			assertThat(value(own, "SELECT count(*) FROM pg_temp.staged_tags")).isEqualTo("0");
		}
		assertThat(rawCount(c, "session")).isEqualTo("180");
		assertThat(rollupTotal(c, "session")).isEqualTo(String.valueOf(sum(0, 179)));
		assertThat(value(c, "SELECT host FROM internal.prometheus_remote_write_tag WHERE tag_id = 77")).isEqualTo("session");
		assertThat(value(c, "SELECT max_calculated FROM internal.metric_rollup_1h WHERE name = 'session_gauge'"))
			.isEqualTo("5");
	}

}
