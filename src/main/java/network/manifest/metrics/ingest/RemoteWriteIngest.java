package network.manifest.metrics.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;

import network.manifest.metrics.storage.DataChangedEvent;

/**
 * The ingest pipeline: headers → format (415) → body within limits (413) → decode (400) → route/identify
 * every series (400) → one transaction through the staging tables (503/500 on database trouble) → outcome.
 * Each stage hands an immutable value to the next; nothing reaches the database before the whole request
 * has been decoded and validated.
 */
@Service
class RemoteWriteIngest {

	private static final Logger log = LoggerFactory.getLogger(RemoteWriteIngest.class);

	/** What a committed request wrote: samples accepted (stored or already present). */
	record Result(RemoteWriteFormat.Version version, long samplesWritten) {
	}

	private final IngestProperties properties;

	private final PayloadDecompressor decompressor;

	private final SeriesRouter router;

	private final StagingTransaction transaction;

	private final IngestMetrics metrics;

	private final ApplicationEventPublisher events;

	/**
	 * Requests being decoded or written at once; at most one per ingest connection, so memory is bounded by
	 * pool-size × (max-compressed-bytes + max-decompressed-bytes) and extra requests get a quick 503.
	 */
	private final Semaphore inFlight;

	private final InFlightBodies bodies;

	RemoteWriteIngest(IngestProperties properties, IngestDatabase database, IngestMetrics metrics,
			ApplicationEventPublisher events) {
		this.properties = properties;
		this.decompressor = new PayloadDecompressor(properties.maxCompressedBytes().toBytes(),
				properties.maxDecompressedBytes().toBytes());
		this.router = new SeriesRouter(properties);
		this.transaction = new StagingTransaction(database,
				new StagingWriter((int) properties.copyBuffer().toBytes()), properties, metrics);
		this.metrics = metrics;
		this.events = events;
		this.inFlight = new Semaphore(properties.poolSize(), true);
		this.bodies = new InFlightBodies(metrics.registry(), properties.retryAfter());
	}

	Result ingest(String contentType, String contentEncoding, long contentLength, InputStream in) throws IOException {
		long start = System.nanoTime();
		String outcome = "error";
		try {
			RemoteWriteFormat format = RemoteWriteFormat.of(contentType, contentEncoding);
			acquire();
			AtomicBoolean slotHeld = new AtomicBoolean(true);
			Runnable releaseSlot = () -> {
				if (slotHeld.getAndSet(false)) {
					inFlight.release();
				}
			};
			try {
				Result result = write(format, contentLength, in, releaseSlot);
				outcome = "success";
				return result;
			}
			finally {
				releaseSlot.run();
			}
		}
		catch (IngestException e) {
			outcome = e.code();
			// after a 4xx the sender drops the data, so this line is its only trace
			log.warn("remote write refused with {}: {}", e.status().value(), e.getMessage());
			throw e;
		}
		finally {
			metrics.finished(outcome, System.nanoTime() - start);
		}
	}

	/** Reads the body; writes it, or (a resend of a body being written) answers as its first copy does. */
	private Result write(RemoteWriteFormat format, long contentLength, InputStream in, Runnable releaseSlot)
			throws IOException {
		byte[] compressed = decompressor.readBody(in, contentLength);
		String digest = InFlightBodies.digest(format, compressed);
		CompletableFuture<Result> first = bodies.claim(digest);
		if (first != null) {
			compressed = null;
			releaseSlot.run(); // waiting holds neither the body nor a slot
			return bodies.awaitFirst(first);
		}
		Result result = null;
		Throwable failure = null;
		try {
			result = write(format, compressed);
			return result;
		}
		catch (RuntimeException | IOException | Error e) {
			failure = e;
			throw e;
		}
		finally {
			bodies.finished(digest, result, failure);
		}
	}

	private Result write(RemoteWriteFormat format, byte[] compressed) throws IOException {
		byte[] bytes = decompressor.decompress(format.encoding(), compressed);
		metrics.bodyRead(compressed.length, bytes.length);
		compressed = null; // only the decompressed copy is needed from here on
		WritePlan plan = WritePlan.of(RemoteWriteDecoder.decode(format.version(), bytes), router);
		long flushStart = System.nanoTime();
		long stored = 0;
		if (plan.rows() > 0) {
			StagingWriter.Copied copied = transaction.commit(plan);
			stored = copied.stored();
			if (stored > 0) {
				events.publishEvent(new DataChangedEvent(stored));
			}
		}
		metrics.committed(plan, stored, System.nanoTime() - flushStart);
		return new Result(format.version(), plan.samplesReceived() - plan.skippedNaN() - plan.skippedInf());
	}

	private void acquire() {
		try {
			if (!inFlight.tryAcquire(properties.databaseWait().toMillis(), TimeUnit.MILLISECONDS)) {
				throw IngestException.unavailable("too many remote-write requests in progress",
						properties.retryAfter(), null);
			}
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw IngestException.unavailable("interrupted", properties.retryAfter(), e);
		}
	}

}
