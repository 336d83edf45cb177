package network.manifest.metrics.storage;

import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Makes TimescaleDB's compression of raw chunks visible. The policy itself is created by the migrations
 * where the licence allows it and is run by TimescaleDB's own job scheduler; this reports whether it
 * exists, how its last run went, and how many raw chunks are compressed.
 */
@Component
class CompressionStatus {

	private static final Logger log = LoggerFactory.getLogger(CompressionStatus.class);

	private static final String RAW_HYPERTABLES = "hypertable_name = 'prometheus_remote_write'"
			+ " AND hypertable_schema IN ('internal', 'cumsum')";

	private final JdbcTemplate jdbc;

	private final StorageMode mode;

	private final AtomicLong policies = new AtomicLong();

	private final AtomicLong compressedChunks = new AtomicLong();

	private final AtomicLong uncompressedChunks = new AtomicLong();

	CompressionStatus(JdbcTemplate jdbc, StorageMode mode, MeterRegistry registry) {
		this.jdbc = jdbc;
		this.mode = mode;
		Gauge.builder("gateway.storage.compression.policies", policies, AtomicLong::get)
			.description("TimescaleDB compression policies on the raw tables (0: no compression)").register(registry);
		Gauge.builder("gateway.storage.chunks", compressedChunks, AtomicLong::get).tag("state", "compressed")
			.description("Raw chunks in TimescaleDB mode, as of start-up or the last retention run").register(registry);
		Gauge.builder("gateway.storage.chunks", uncompressedChunks, AtomicLong::get).tag("state", "uncompressed")
			.description("Raw chunks in TimescaleDB mode, as of start-up or the last retention run").register(registry);
	}

	@EventListener(ApplicationReadyEvent.class)
	void reportAtStartup() {
		if (mode != StorageMode.TIMESCALEDB) {
			return;
		}
		try {
			refresh();
			if (policies.get() == 0) {
				log.atInfo().setMessage("raw chunks are not compressed: no compression policy (TimescaleDB licence {})")
					.addArgument(jdbc.queryForObject("SELECT current_setting('timescaledb.license', true)", String.class))
					.addKeyValue("event", "compression").log();
			}
		}
		catch (RuntimeException e) {
			log.atWarn().setMessage("could not read TimescaleDB compression status: {}").addArgument(e.getMessage())
				.addKeyValue("event", "compression").log();
		}
	}

	/** Re-reads the policies and chunk counts; logs the policy jobs' last outcome. Called after each retention run. */
	void refresh() {
		if (mode != StorageMode.TIMESCALEDB) {
			return;
		}
		jdbc.query("SELECT count(*) FILTER (WHERE is_compressed), count(*) FILTER (WHERE NOT is_compressed)"
				+ " FROM timescaledb_information.chunks WHERE " + RAW_HYPERTABLES, rs -> {
					compressedChunks.set(rs.getLong(1));
					uncompressedChunks.set(rs.getLong(2));
				});
		policies.set(0);
		jdbc.query("SELECT j.hypertable_schema, j.job_id, s.last_run_status, s.last_successful_finish, s.total_failures"
				+ " FROM timescaledb_information.jobs j LEFT JOIN timescaledb_information.job_stats s ON s.job_id = j.job_id"
				+ " WHERE j.proc_name = 'policy_compression' AND j.hypertable_name = 'prometheus_remote_write'"
				+ " AND j.hypertable_schema IN ('internal', 'cumsum')",
				rs -> {
					policies.incrementAndGet();
					log.atInfo()
						.setMessage("compression policy of {}.prometheus_remote_write: last run {}, last success {},"
								+ " {} failures; {} raw chunks compressed, {} not")
						.addArgument(rs.getString(1))
						.addArgument(rs.getString(3))
						.addArgument(rs.getObject(4))
						.addArgument(rs.getLong(5))
						.addArgument(compressedChunks.get())
						.addArgument(uncompressedChunks.get())
						.addKeyValue("event", "compression")
						.addKeyValue("job_id", rs.getInt(2))
						.log();
				});
	}

}
