package network.manifest.metrics.ingest;

import java.util.concurrent.TimeUnit;

import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * What the ingest reports at /actuator/prometheus. Recorded by the pipeline only, after the outcome of a
 * request is known, so samples are counted as stored only once committed.
 */
@Component
class IngestMetrics {

	private final MeterRegistry registry;

	private final Counter samplesReceived;

	private final Counter stored;

	private final Counter duplicate;

	private final Counter skippedNaN;

	private final Counter skippedInf;

	private final DistributionSummary series;

	private final Timer requestDuration;

	private final Timer flushDuration;

	private final Counter bytesCompressed;

	private final Counter bytesDecompressed;

	private final Counter retries;

	IngestMetrics(MeterRegistry registry) {
		this.registry = registry;
		this.samplesReceived = Counter.builder("gateway.ingest.samples.received")
			.description("Samples in decoded requests, before any filtering")
			.register(registry);
		this.stored = samples("stored", "new rows committed to the raw tables");
		this.duplicate = samples("duplicate", "samples already stored or repeated within a request");
		this.skippedNaN = samples("skipped_nan", "NaN samples and staleness markers, not stored");
		this.skippedInf = samples("skipped_inf", "+Inf/-Inf samples, not stored");
		this.series = DistributionSummary.builder("gateway.ingest.series")
			.description("Series per accepted request")
			.publishPercentileHistogram()
			.register(registry);
		this.requestDuration = Timer.builder("gateway.ingest.request.duration")
			.description("Remote-write request handling, from headers to commit")
			.publishPercentileHistogram()
			.register(registry);
		this.flushDuration = Timer.builder("gateway.ingest.flush.duration")
			.description("The database transaction of a request: COPY into staging, triggers, commit")
			.publishPercentileHistogram()
			.register(registry);
		this.bytesCompressed = bytes("compressed");
		this.bytesDecompressed = bytes("decompressed");
		this.retries = Counter.builder("gateway.ingest.retries")
			.description("Transactions rerun after a deadlock or serialization failure")
			.register(registry);
	}

	private Counter samples(String result, String description) {
		return Counter.builder("gateway.ingest.samples").tag("result", result).description(description).register(registry);
	}

	private Counter bytes(String form) {
		return Counter.builder("gateway.ingest.bytes").tag("form", form).baseUnit("bytes")
			.description("Request body bytes received").register(registry);
	}

	MeterRegistry registry() {
		return registry;
	}

	void bodyRead(long compressed, long decompressed) {
		bytesCompressed.increment(compressed);
		bytesDecompressed.increment(decompressed);
	}

	void committed(WritePlan plan, long storedRows, long flushNanos) {
		samplesReceived.increment(plan.samplesReceived());
		skippedNaN.increment(plan.skippedNaN());
		skippedInf.increment(plan.skippedInf());
		stored.increment(storedRows);
		duplicate.increment(plan.samplesReceived() - plan.skippedNaN() - plan.skippedInf() - storedRows);
		series.record(plan.seriesReceived());
		flushDuration.record(flushNanos, TimeUnit.NANOSECONDS);
	}

	void retried() {
		retries.increment();
	}

	void finished(String outcome, long requestNanos) {
		registry.counter("gateway.ingest.requests", "outcome", outcome).increment();
		requestDuration.record(requestNanos, TimeUnit.NANOSECONDS);
	}

}
