package network.manifest.metrics.ingest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The request bodies being written now, by digest. A sender that times out resends the same body while
 * the first copy is still being written (vmalert gives up after 30 s and retries at once); the copy
 * then waits for the first one's outcome instead of writing the same rows again beside it, and gets the
 * same answer: 204 once the first committed, the first's 4xx, or 503 when it failed otherwise (safe to
 * resend). A waiting copy holds neither its body nor an ingest slot.
 */
final class InFlightBodies {

	/** How long a copy waits for the first before answering 503. */
	static final Duration MAX_WAIT = Duration.ofMinutes(10);

	private final ConcurrentHashMap<String, CompletableFuture<RemoteWriteIngest.Result>> writing = new ConcurrentHashMap<>();

	private final AtomicInteger waiting = new AtomicInteger();

	private final Counter copies;

	private final Duration retryAfter;

	InFlightBodies(MeterRegistry registry, Duration retryAfter) {
		this.retryAfter = retryAfter;
		this.copies = Counter.builder("gateway.ingest.duplicate.bodies")
			.description("Requests whose body was being written by an earlier request: answered with its outcome")
			.register(registry);
		Gauge.builder("gateway.ingest.duplicate.waiting", waiting, AtomicInteger::get)
			.description("Requests waiting now for an earlier copy of their body")
			.register(registry);
	}

	/** The identity of a body: its bytes as sent and how to read them. */
	static String digest(RemoteWriteFormat format, byte[] compressed) {
		try {
			MessageDigest sha = MessageDigest.getInstance("SHA-256");
			sha.update(format.toString().getBytes(StandardCharsets.UTF_8));
			sha.update(compressed);
			return HexFormat.of().formatHex(sha.digest());
		}
		catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
		}
	}

	/**
	 * A claim on writing the body: {@code null} when this request is the first copy (it must then call
	 * {@link #finished}), else the first copy's outcome, waited for.
	 */
	CompletableFuture<RemoteWriteIngest.Result> claim(String digest) {
		return writing.putIfAbsent(digest, new CompletableFuture<>());
	}

	/** The first copy's outcome: a result or its failure. */
	void finished(String digest, RemoteWriteIngest.Result result, Throwable failure) {
		CompletableFuture<RemoteWriteIngest.Result> mine = writing.remove(digest);
		if (mine == null) {
			return;
		}
		if (failure == null) {
			mine.complete(result);
		}
		else {
			mine.completeExceptionally(failure);
		}
	}

	/** Waits for the first copy (bounded) and answers as it was answered. */
	RemoteWriteIngest.Result awaitFirst(CompletableFuture<RemoteWriteIngest.Result> first) {
		copies.increment();
		waiting.incrementAndGet();
		try {
			return first.get(MAX_WAIT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException e) {
			if (e.getCause() instanceof IngestException ingest && ingest.status().is4xxClientError()) {
				throw ingest;
			}
			throw IngestException.unavailable("an earlier copy of this body failed: " + e.getCause().getMessage(),
					retryAfter, e.getCause());
		}
		catch (TimeoutException e) {
			throw IngestException.unavailable("an earlier copy of this body is still being written", retryAfter, e);
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw IngestException.unavailable("interrupted while waiting for an earlier copy of this body", retryAfter,
					e);
		}
		finally {
			waiting.decrementAndGet();
		}
	}

}
