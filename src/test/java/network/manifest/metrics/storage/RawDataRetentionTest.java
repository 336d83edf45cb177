package network.manifest.metrics.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ContextConfiguration;

import io.micrometer.core.instrument.MeterRegistry;
import network.manifest.metrics.support.FreshDatabaseInitializer;

/**
 * Retention on a real database of its own (it deletes by age, so it must not share data with other
 * tests): raw internal rows older than gateway.retention.raw-internal go, newer ones, cumsum raw data and
 * every rollup stay. A batch size of 3 makes the plain-PostgreSQL path loop over several DELETEs.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "gateway.retention.batch-size=3", "gateway.retention.raw-internal=365d",
				// a second cached context: keep its share of the test server's connections small
				"spring.datasource.hikari.maximum-pool-size=2", "gateway.ingest.pool-size=1" })
@AutoConfigureObservability(tracing = false) // tests export no metrics unless asked to
@ContextConfiguration(initializers = FreshDatabaseInitializer.class)
@ExtendWith(OutputCaptureExtension.class)
class RawDataRetentionTest {

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	RawDataRetention retention;

	@Autowired
	StorageMode mode;

	@Autowired
	MeterRegistry meters;

	@Autowired
	TestRestTemplate http;

	@Test
	void inPostgresqlModeBatchedDeletesRemoveOnlyExpiredRawInternalRows(CapturedOutput output) {
		assumeTrue(mode == StorageMode.POSTGRESQL, "storage mode is " + mode);
		String scraped = removesOnlyRawInternalRowsOlderThanTheRetentionAndNoRollup(output);
		assertThat(meters.counter("gateway.retention.rows.deleted").count()).isEqualTo(10);
		assertThat(scraped).contains("gateway_retention_rows_deleted_total 10.0");
		assertThat(output.getOut()).contains("(10 rows, 0 chunks)");
	}

	@Test
	void inTimescaleDbModeExpiredChunksAreDroppedWithOnlyExpiredRawInternalRows(CapturedOutput output) {
		assumeTrue(mode == StorageMode.TIMESCALEDB, "storage mode is " + mode);
		removesOnlyRawInternalRowsOlderThanTheRetentionAndNoRollup(output);
		assertThat(meters.counter("gateway.retention.chunks.dropped").count()).isPositive();
		assertThat(meters.counter("gateway.retention.rows.deleted").count()).isZero();
	}

	/** Stages expired and kept rows, runs retention once, checks what both modes share; returns the scrape. */
	private String removesOnlyRawInternalRowsOlderThanTheRetentionAndNoRollup(CapturedOutput output) {
		Instant now = Instant.now().truncatedTo(ChronoUnit.MINUTES);
		Instant expired = now.minus(Duration.ofDays(400));
		Instant kept = now.minus(Duration.ofDays(300));
		for (long tag = 1; tag <= 10; tag++) {
			stage("staging_internal", expired.plusSeconds(tag), tag, "retention_probe", "common", tag);
		}
		stage("staging_internal", kept, 1, "retention_probe", "common", 7);
		stage("staging_internal", kept.plusSeconds(1), 2, "retention_probe", "common", 8);
		stage("staging_cumsum", expired, 11, "retention_probe_total", "cumsum", 60);
		stage("staging_cumsum", expired.plusSeconds(60), 11, "retention_probe_total", "cumsum", 60);
		List<Map<String, Object>> rollupsBefore = rollups();
		assertThat(rollupsBefore).as("the staged rows reached the rollups").hasSizeGreaterThanOrEqualTo(4);
		double runsBefore = meters.counter("gateway.retention.runs", "outcome", "success").count();

		retention.runScheduled();

		assertThat(count("internal.prometheus_remote_write", "time < '" + now.minus(Duration.ofDays(365)) + "'"))
			.isZero();
		assertThat(count("internal.prometheus_remote_write", "name = 'retention_probe'")).isEqualTo(2);
		assertThat(count("cumsum.prometheus_remote_write", "name = 'retention_probe_total'")).isEqualTo(2);
		assertThat(rollups()).isEqualTo(rollupsBefore);

		assertThat(meters.counter("gateway.retention.runs", "outcome", "success").count()).isEqualTo(runsBefore + 1);
		String scraped = http.getForObject("/actuator/prometheus", String.class);
		assertThat(output.getOut()).contains("retention run: removed raw internal data older than");
		assertThat(scraped).contains("gateway_retention_runs_total{outcome=\"success\"}",
				"gateway_retention_chunks_dropped_total", "gateway_retention_duration_seconds_count",
				"gateway_storage_compression_policies", "gateway_storage_chunks{state=\"compressed\"}");
		assertThat(scraped).doesNotContain("gateway_retention_last_success_seconds 0.0");
		return scraped;
	}

	@Test
	void aRunWithNothingToRemoveChangesNothing() {
		Instant recent = Instant.now().minus(Duration.ofDays(1)).truncatedTo(ChronoUnit.MINUTES);
		stage("staging_internal", recent, 21, "retention_recent", "common", 1);
		long rawBefore = count("internal.prometheus_remote_write", "true");

		RetentionResult result = retention.run(recent.minus(Duration.ofDays(365 * 30)));

		assertThat(result.rowsDeleted()).isZero();
		assertThat(result.chunksDropped()).isZero();
		assertThat(count("internal.prometheus_remote_write", "true")).isEqualTo(rawBefore);
	}

	private void stage(String schema, Instant time, long tagId, String name, String metricSchema, long value) {
		jdbc.update("INSERT INTO " + schema + ".prometheus_remote_write_tag (tag_id, host) VALUES (?, 'retention-test')",
				tagId);
		jdbc.update("INSERT INTO " + schema + ".prometheus_remote_write (time, tag_id, name, schema, value)"
				+ " VALUES (?, ?, ?, ?, ?)", Timestamp.from(time), tagId, name, metricSchema, value);
	}

	private long count(String table, String where) {
		Long n = jdbc.queryForObject("SELECT count(*) FROM " + table + " WHERE " + where, Long.class);
		return n == null ? 0 : n;
	}

	private List<Map<String, Object>> rollups() {
		return jdbc.queryForList("SELECT 'metric' AS rollup, bucket, name, schema, max_value::text AS v FROM internal.metric_rollup_1m"
				+ " UNION ALL SELECT 'cumsum', bucket, name, schema, sum_value::text FROM cumsum.all_metrics_minute"
				+ " ORDER BY 1, 2, 3, 4");
	}

}
