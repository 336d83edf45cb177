package network.manifest.metrics.storage;

import static network.manifest.metrics.storage.Jdbc.execute;
import static network.manifest.metrics.storage.Jdbc.rows;
import static network.manifest.metrics.storage.Jdbc.update;
import static network.manifest.metrics.storage.Jdbc.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;

/**
 * Random rows written out of order, repeated and in random batches give rollups equal to an independent
 * GROUP BY over the raw rows; internal.rebuild_rollups restores exactly those rollups after they were
 * damaged, touches only the requested minutes, and never erases rollups whose raw data is gone.
 */
class RebuildRollupsTest {

	static final String[][] INTERNAL_SERIES = { { "locked_fees", "testnet" }, { "manifest_tokenomics_total_supply", "mainnet" },
			{ "node_count", "common" }, { "manifest_geo_latitude", "geo" }, { "manifest_geo_longitude", "geo" },
			{ "manifest_geo_metadata", "geo" } };

	static final String[][] CUMSUM_SERIES = { { "system_tcp_sent", "cumsum" }, { "web_requests", "cumsum" } };

	static final String ROLLUPS = """
			SELECT 'metric ' || m::text FROM internal.metric_rollup_1m m
			UNION ALL SELECT 'cumsum ' || c::text FROM cumsum.all_metrics_minute c
			UNION ALL SELECT 'geo ' || g::text FROM geo.coords_rollup_1m g
			UNION ALL SELECT 'total ' || t::text FROM cumsum.metric_totals t
			ORDER BY 1""";

	MigratedDatabase db;

	Connection c;

	@BeforeEach
	void writeRandomRows() throws SQLException {
		db = MigratedDatabase.create();
		c = db.connect();
		Random random = new Random(42);
		update(c, """
				INSERT INTO staging_internal.prometheus_remote_write_tag (tag_id, instance, country_name, city, supply, amount)
				VALUES (1, 'i1', 'Canada', 'Toronto', '1000', '5'), (2, 'i2', 'Chile', 'Santiago', '2000', 'n/a'),
					(3, 'i1', 'Peru', 'Lima', NULL, '7'), (4, 'i2', NULL, NULL, 'lots', NULL), (5, NULL, NULL, NULL, NULL, NULL)""");
		List<String> rows = new ArrayList<>();
		for (int i = 0; i < 1500; i++) {
			boolean cumsum = random.nextInt(4) == 0;
			String[] series = cumsum ? CUMSUM_SERIES[random.nextInt(CUMSUM_SERIES.length)]
					: INTERNAL_SERIES[random.nextInt(INTERNAL_SERIES.length)];
			// 30 minutes of whole seconds, so different tags often share an instant (the tie-break matters)
			int second = random.nextInt(1800);
			int tag = 1 + random.nextInt(5);
			String value = String.format("%d.%02d", random.nextInt(10), random.nextInt(100));
			rows.add((cumsum ? "C" : "I") + "(timestamptz '2025-02-01 10:00:00+00' + interval '" + second
					+ " seconds', " + tag + ", '" + series[0] + "', '" + series[1] + "', " + value + ")");
		}
		// Rows exactly at the first minute's start: that minute is complete, so a rebuild recomputes it too.
		rows.add("I(timestamptz '2025-02-01 10:00:00+00', 1, 'node_count', 'common', 1.00)");
		rows.add("C(timestamptz '2025-02-01 10:00:00+00', 1, 'system_tcp_sent', 'cumsum', 1.00)");
		// Every row once in random order, then a third of them again, in batches of random size.
		List<String> writes = new ArrayList<>(rows);
		Collections.shuffle(writes, random);
		writes.addAll(rows.subList(0, rows.size() / 3));
		int i = 0;
		while (i < writes.size()) {
			int n = 1 + random.nextInt(60);
			List<String> batch = writes.subList(i, Math.min(i + n, writes.size()));
			insert(c, batch, "I", "staging_internal.prometheus_remote_write");
			insert(c, batch, "C", "staging_cumsum.prometheus_remote_write");
			i += n;
		}
	}

	static void insert(Connection c, List<String> batch, String kind, String table) throws SQLException {
		List<String> values = batch.stream().filter(r -> r.startsWith(kind)).map(r -> r.substring(1)).toList();
		if (!values.isEmpty()) {
			update(c, "INSERT INTO " + table + " (time, tag_id, name, schema, value) VALUES " + String.join(", ", values));
		}
	}

	@AfterEach
	void close() throws SQLException {
		c.close();
	}

	@Test
	void incrementalRollupsEqualAGroupByOverTheRawRows() throws SQLException {
		assertThat(rows(c, """
				SELECT bucket, name, schema, coalesce(max_supply, max_excluded_supply, max_amount, last_value), max_value
				FROM internal.metric_rollup_1m ORDER BY 1, 2, 3""")).isEqualTo(rows(c, """
				WITH r AS (
					SELECT date_trunc('minute', p.time) AS bucket, p.*, t.supply, t.amount
					FROM internal.prometheus_remote_write p LEFT JOIN internal.prometheus_remote_write_tag t USING (tag_id)),
				last AS (
					SELECT DISTINCT ON (bucket, name, schema) bucket, name, schema, value FROM r
					ORDER BY bucket, name, schema, time DESC, tag_id DESC)
				SELECT r.bucket, r.name, r.schema,
					coalesce(max(CASE WHEN r.supply ~ '^[0-9]+$' THEN r.supply::numeric END),
						max(CASE WHEN r.amount ~ '^[0-9]+$' THEN r.amount::numeric END), l.value), max(r.value)
				FROM r JOIN last l USING (bucket, name, schema)
				GROUP BY r.bucket, r.name, r.schema, l.value ORDER BY 1, 2, 3"""));
		assertThat(rows(c, "SELECT bucket, name, schema, sum_value FROM cumsum.all_metrics_minute ORDER BY 1, 2, 3"))
			.isEqualTo(rows(c, """
					SELECT date_trunc('minute', time), name, schema, sum(value) FROM cumsum.prometheus_remote_write
					GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"""))
			.hasSizeGreaterThan(30);
		assertThat(rows(c, "SELECT name, schema, sum_value, last_bucket FROM cumsum.metric_totals ORDER BY 1, 2"))
			.isEqualTo(rows(c, """
					SELECT name, schema, sum(value), date_trunc('minute', max(time)) FROM cumsum.prometheus_remote_write
					GROUP BY 1, 2 ORDER BY 1, 2"""))
			.hasSize(2);
		assertThat(rows(c, "SELECT bucket, instance, latitude, longitude, country_name, city FROM geo.latest_coords "
				+ "ORDER BY 1, 2")).isEqualTo(rows(c, """
				WITH r AS (
					SELECT date_trunc('minute', p.time) AS bucket, p.*, t.instance, t.country_name, t.city
					FROM internal.prometheus_remote_write p JOIN internal.prometheus_remote_write_tag t USING (tag_id)
					WHERE p.schema = 'geo' AND t.instance IS NOT NULL),
				keys AS (SELECT DISTINCT bucket, instance FROM r),
				lat AS (SELECT DISTINCT ON (bucket, instance) bucket, instance, value FROM r
					WHERE name = 'manifest_geo_latitude' ORDER BY bucket, instance, time DESC, tag_id DESC),
				lon AS (SELECT DISTINCT ON (bucket, instance) bucket, instance, value FROM r
					WHERE name = 'manifest_geo_longitude' ORDER BY bucket, instance, time DESC, tag_id DESC),
				meta AS (SELECT DISTINCT ON (bucket, instance) bucket, instance, country_name, city FROM r
					WHERE name = 'manifest_geo_metadata' ORDER BY bucket, instance, time DESC, tag_id DESC)
				SELECT k.bucket, k.instance, lat.value, lon.value, meta.country_name, meta.city
				FROM keys k LEFT JOIN lat USING (bucket, instance) LEFT JOIN lon USING (bucket, instance)
					LEFT JOIN meta USING (bucket, instance)
				ORDER BY 1, 2"""));
	}

	@Test
	void aRebuildRestoresDamagedRollupsExactly() throws SQLException {
		List<String> incremental = rows(c, ROLLUPS);
		damage();
		assertThat(rows(c, ROLLUPS)).isNotEqualTo(incremental);
		execute(c, "SELECT internal.rebuild_rollups('2025-02-01 10:00+00', '2025-02-01 11:00+00')");
		assertThat(rows(c, ROLLUPS)).isEqualTo(incremental);
	}

	@Test
	void aRebuildTouchesOnlyTheMinutesCoveringItsRange() throws SQLException {
		List<String> incremental = rows(c, ROLLUPS);
		damage();
		List<String> damaged = rows(c, ROLLUPS);
		execute(c, "SELECT internal.rebuild_rollups('2025-02-01 10:05:30+00', '2025-02-01 10:07:10+00')");
		List<String> after = rows(c, ROLLUPS);
		// The all-time totals are recomputed from the per-minute sums, whatever their state.
		assertThat(rows(c, "SELECT name, schema, sum_value, last_bucket FROM cumsum.metric_totals ORDER BY 1, 2"))
			.isEqualTo(rows(c, "SELECT name, schema, sum(sum_value), max(bucket) FROM cumsum.all_metrics_minute "
					+ "GROUP BY 1, 2 ORDER BY 1, 2"));
		after.removeIf(row -> row.startsWith("total "));
		for (String row : after) {
			boolean inRange = row.contains("2025-02-01 10:05:00") || row.contains("2025-02-01 10:06:00")
					|| row.contains("2025-02-01 10:07:00");
			assertThat(inRange ? incremental : damaged).as(row).contains(row);
		}
		assertThat(after.stream().filter(r -> r.contains("2025-02-01 10:06:00"))).isNotEmpty();
	}

	@Test
	void rawRowsDeletedDirectlyReachTheRollupsThroughARebuild() throws SQLException {
		update(c, "DELETE FROM cumsum.prometheus_remote_write WHERE time >= '2025-02-01 10:20+00' AND time < '2025-02-01 10:21+00'");
		update(c, "DELETE FROM internal.prometheus_remote_write WHERE time >= '2025-02-01 10:20:30+00' "
				+ "AND time < '2025-02-01 10:21+00'");
		assertThat(value(c, "SELECT count(*) FROM cumsum.all_metrics_minute WHERE bucket = '2025-02-01 10:20+00'"))
			.isNotEqualTo("0");
		execute(c, "SELECT internal.rebuild_rollups('2025-02-01 10:20+00', '2025-02-01 10:21+00')");
		assertThat(value(c, "SELECT count(*) FROM cumsum.all_metrics_minute WHERE bucket = '2025-02-01 10:20+00'"))
			.isEqualTo("0");
		assertThat(rows(c, "SELECT name, schema, max_value, last_time FROM internal.metric_rollup_1m "
				+ "WHERE bucket = '2025-02-01 10:20+00' ORDER BY 1, 2")).isEqualTo(rows(c, """
				SELECT name, schema, max(value), max(time) FROM internal.prometheus_remote_write
				WHERE time >= '2025-02-01 10:20+00' AND time < '2025-02-01 10:21+00' GROUP BY 1, 2 ORDER BY 1, 2"""));
	}

	@Test
	void rollupsWhoseRawDataRetentionRemovedSurviveARebuild() throws SQLException {
		List<String> incremental = rows(c, ROLLUPS);
		// Retention removes whole minutes of internal raw data; cumsum raw data is kept.
		update(c, "DELETE FROM internal.prometheus_remote_write WHERE time < '2025-02-01 10:10+00'");
		execute(c, "SELECT internal.rebuild_rollups('-infinity', 'infinity')");
		assertThat(rows(c, ROLLUPS)).isEqualTo(incremental);

		update(c, "DELETE FROM internal.prometheus_remote_write");
		execute(c, "SELECT internal.rebuild_rollups('2025-02-01 00:00+00', '2025-02-02 00:00+00')");
		assertThat(rows(c, ROLLUPS)).isEqualTo(incremental);
	}

	@Test
	void aMinuteThatRetentionCutInTwoIsLeftAsItIs() throws SQLException {
		List<String> incremental = rows(c, ROLLUPS);
		update(c, "DELETE FROM internal.prometheus_remote_write WHERE time < '2025-02-01 10:07:30+00'");
		execute(c, "SELECT internal.rebuild_rollups('2025-02-01 10:00+00', '2025-02-01 10:15+00')");
		assertThat(rows(c, ROLLUPS)).isEqualTo(incremental);

		// Once the oldest row sits on a minute's start, that minute is complete and is rebuilt.
		update(c, "DELETE FROM internal.prometheus_remote_write WHERE time < '2025-02-01 10:08+00'");
		update(c, "INSERT INTO internal.prometheus_remote_write VALUES ('2025-02-01 10:08:00+00', 5, 'locked_fees', "
				+ "'testnet', 0.5) ON CONFLICT DO NOTHING");
		execute(c, "SELECT internal.rebuild_rollups('2025-02-01 10:00+00', '2025-02-01 10:15+00')");
		assertThat(rows(c, "SELECT min(bucket) FROM internal.metric_rollup_1m WHERE bucket >= '2025-02-01 10:08+00' "
				+ "AND max_value = (SELECT max(value) FROM internal.prometheus_remote_write WHERE name = 'locked_fees' "
				+ "AND time >= '2025-02-01 10:08+00' AND time < '2025-02-01 10:09+00') AND name = 'locked_fees'"))
			.containsExactly("2025-02-01 10:08:00+00");
		assertThat(rows(c, ROLLUPS).stream().filter(r -> r.contains("10:07:00")).toList())
			.isEqualTo(incremental.stream().filter(r -> r.contains("10:07:00")).toList());
	}

	@Test
	void anEmptyOrReversedRangeIsRejected() {
		assertThatThrownBy(() -> execute(c, "SELECT internal.rebuild_rollups('2025-02-01 11:00+00', '2025-02-01 10:00+00')"))
			.isInstanceOfSatisfying(PSQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("22023"));
	}

	/** Wrong values everywhere, missing rows, and a rollup row in a minute that has no raw data. */
	void damage() throws SQLException {
		update(c, "UPDATE internal.metric_rollup_1m SET max_value = -1, last_value = -1 WHERE bucket < '2025-02-01 10:15+00'");
		update(c, "DELETE FROM internal.metric_rollup_1m WHERE bucket >= '2025-02-01 10:15+00' AND bucket < '2025-02-01 10:20+00'");
		update(c, "DELETE FROM cumsum.all_metrics_minute WHERE bucket > '2025-02-01 10:04+00'");
		update(c, "UPDATE cumsum.all_metrics_minute SET sum_value = sum_value + 1");
		update(c, "UPDATE geo.coords_rollup_1m SET latitude = 0, city = 'nowhere'");
		update(c, "INSERT INTO cumsum.all_metrics_minute VALUES ('2025-02-01 10:45+00', 'web_requests', 'cumsum', 99)");
		update(c, "UPDATE cumsum.metric_totals SET sum_value = 0");
	}

}
