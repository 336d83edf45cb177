package network.manifest.metrics.storage;

import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/** The one place where retention runs become a log line and metrics, so the two cannot drift apart. */
@Component
class RetentionObserver {

	private static final Logger log = LoggerFactory.getLogger(RawDataRetention.class);

	private final Counter succeeded;

	private final Counter failed;

	private final Counter rowsDeleted;

	private final Counter chunksDropped;

	private final Timer duration;

	private final AtomicLong lastSuccess = new AtomicLong();

	RetentionObserver(MeterRegistry registry) {
		this.succeeded = Counter.builder("gateway.retention.runs").tag("outcome", "success")
			.description("Retention runs").register(registry);
		this.failed = Counter.builder("gateway.retention.runs").tag("outcome", "failure")
			.description("Retention runs").register(registry);
		this.rowsDeleted = Counter.builder("gateway.retention.rows.deleted")
			.description("Raw internal rows deleted by retention (plain PostgreSQL mode)").register(registry);
		this.chunksDropped = Counter.builder("gateway.retention.chunks.dropped")
			.description("Raw internal chunks dropped by retention (TimescaleDB mode)").register(registry);
		this.duration = Timer.builder("gateway.retention.duration").description("Time one retention run took")
			.register(registry);
		Gauge.builder("gateway.retention.last.success", lastSuccess, AtomicLong::get)
			.description("Unix time of the last successful retention run (0: none yet)").baseUnit("seconds")
			.register(registry);
	}

	void completed(RetentionResult result) {
		succeeded.increment();
		rowsDeleted.increment(result.rowsDeleted());
		chunksDropped.increment(result.chunksDropped());
		duration.record(result.took().toNanos(), TimeUnit.NANOSECONDS);
		lastSuccess.set(Instant.now().getEpochSecond());
		log.atInfo()
			.setMessage("retention run: removed raw internal data older than {} ({} rows, {} chunks) in {} ms")
			.addArgument(result.cutoff())
			.addArgument(result.rowsDeleted())
			.addArgument(result.chunksDropped())
			.addArgument(result.took().toMillis())
			.addKeyValue("event", "retention")
			.addKeyValue("storage_mode", result.mode().name().toLowerCase())
			.addKeyValue("rows_deleted", result.rowsDeleted())
			.addKeyValue("chunks_dropped", result.chunksDropped())
			.log();
	}

	void failed(StorageMode mode, RuntimeException e) {
		failed.increment();
		log.atWarn()
			.setMessage("retention run failed, will retry at the next run: {}")
			.addArgument(e.getMessage())
			.addKeyValue("event", "retention")
			.addKeyValue("storage_mode", mode.name().toLowerCase())
			.setCause(e)
			.log();
	}

}
