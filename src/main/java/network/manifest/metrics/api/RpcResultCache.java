package network.manifest.metrics.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import network.manifest.metrics.api.RpcExecutor.RpcResult;
import network.manifest.metrics.storage.DataChangedEvent;

/**
 * Answers of cacheable calls ({@link ApiFunction#cacheable()}), kept until the data they were computed
 * from changes.
 *
 * <p>Freshness rests on one counter, the data epoch. Every entry carries the epoch read before its call
 * started, and only an entry of the current epoch is ever served. A committed write moves the epoch on:
 * this instance's own writes before their 204 is sent ({@link DataChangedEvent}) and calls of VOLATILE
 * functions once they committed, every other write
 * (other instances, SQL clients, rebuilds) when the database's notification arrives; while the listener
 * has no connection nothing is cached, since notifications are lost then. A call that started before a
 * write may have read the data before it, so its answer carries the old epoch and is never served.
 * Answers of functions that read the clock also expire after {@code gateway.api.cache.clock-ttl}.
 */
@Component
class RpcResultCache {

	/**
	 * Everything that shapes an answer's body: the plan (function, arguments as sent, select, filters,
	 * order, range, format, count) and who asks (role and claims, which functions may read).
	 */
	record Key(String function, List<CallPlan.Argument> arguments, List<RpcRequest.SelectItem> select,
			List<CallPlan.ColumnFilter> filters, List<RpcRequest.OrderTerm> order, Long limit, Long offset,
			RpcRequest.OutputFormat format, boolean count, String role, String claimsJson) {

		static Key of(CallPlan plan, Caller caller) {
			return new Key(plan.function().qualifiedName(), plan.arguments(), plan.select(), plan.filters(), plan.order(),
					plan.limit(), plan.offset(), plan.format(), plan.count(), caller.role(), caller.claimsJson());
		}

	}

	/** A kept answer; {@code etag} is a strong validator of its body. */
	record Entry(RpcResult result, String etag, long epoch, long expiresAtNanos) {

		boolean expired(long now) {
			return expiresAtNanos != 0 && now - expiresAtNanos >= 0;
		}

	}

	private final boolean enabled;

	private final long clockTtlNanos;

	private final Cache<Key, Entry> entries;

	private final AtomicLong epoch = new AtomicLong();

	private volatile boolean listening;

	private final Counter localWrites;

	private final Counter databaseWrites;

	RpcResultCache(ApiProperties properties, MeterRegistry registry) {
		ApiProperties.Cache config = properties.cache();
		this.enabled = config.enabled();
		this.clockTtlNanos = config.clockTtl().toNanos();
		// Caffeine bounds either weight or count: every entry weighs at least maxBytes / maxEntries, so the
		// weight bound also bounds the count.
		long maxBytes = config.maxBytes().toBytes();
		int minWeight = (int) Math.min(Integer.MAX_VALUE, maxBytes / config.maxEntries());
		this.entries = Caffeine.newBuilder()
			.maximumWeight(maxBytes)
			.weigher((Key key, Entry entry) -> Math.max(minWeight, weight(entry)))
			.recordStats()
			.build();
		CaffeineCacheMetrics.monitor(registry, entries, "api");
		this.localWrites = invalidations(registry, "local");
		this.databaseWrites = invalidations(registry, "database");
	}

	private static Counter invalidations(MeterRegistry registry, String source) {
		return Counter.builder("gateway.api.cache.invalidations")
			.description("Times every cached API answer was dropped because data changed (local: this instance's "
					+ "write, database: a notification)")
			.tag("source", source)
			.register(registry);
	}

	private static int weight(Entry entry) {
		byte[] body = entry.result().body();
		return 256 + (body == null ? 0 : body.length);
	}

	/** Whether answers are kept now (enabled, and the database's notifications are being received). */
	boolean active() {
		return enabled && listening;
	}

	/** The epoch to pass to {@link #put}, read before the call runs. */
	long epoch() {
		return epoch.get();
	}

	/** The answer kept for this key, if it is of the current epoch and not expired. */
	Entry get(Key key) {
		if (!active()) {
			return null;
		}
		Entry entry = entries.getIfPresent(key);
		if (entry == null) {
			return null;
		}
		if (entry.epoch() != epoch.get() || entry.expired(System.nanoTime())) {
			entries.asMap().remove(key, entry);
			return null;
		}
		return entry;
	}

	/** Wraps a fresh answer with its validator, and keeps it when caching is active. */
	Entry put(Key key, long startEpoch, RpcResult result, boolean readsClock) {
		Entry entry = new Entry(result, etag(result), startEpoch,
				readsClock ? nonZero(System.nanoTime() + clockTtlNanos) : 0);
		if (active() && startEpoch == epoch.get()) {
			entries.put(key, entry);
		}
		return entry;
	}

	private static long nonZero(long nanos) {
		return nanos == 0 ? 1 : nanos;
	}

	/** This instance committed a write: drop everything before its 204 is sent. */
	@EventListener
	void onLocalWrite(DataChangedEvent event) {
		onLocalWrite();
	}

	/**
	 * A write through this instance committed (a remote write, or a VOLATILE function called through the API,
	 * which may have written anything).
	 */
	void onLocalWrite() {
		invalidate();
		localWrites.increment();
	}

	/** The database announced a committed write (any instance or SQL client). */
	void onDatabaseWrite() {
		invalidate();
		databaseWrites.increment();
	}

	/** The notification listener is (or is no longer) connected; notifications missed meanwhile are lost. */
	void listening(boolean connected) {
		invalidate();
		listening = connected;
	}

	private void invalidate() {
		epoch.incrementAndGet();
		entries.invalidateAll();
	}

	/** A strong validator: the body's SHA-256 (first 128 bits), quoted. */
	static String etag(RpcResult result) {
		try {
			MessageDigest sha = MessageDigest.getInstance("SHA-256");
			byte[] body = result.body();
			sha.update(body == null ? "null".getBytes(StandardCharsets.US_ASCII) : body);
			sha.update(Long.toString(result.total() == null ? -1 : result.total()).getBytes(StandardCharsets.US_ASCII));
			byte[] digest = sha.digest();
			return '"' + Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 16)) + '"';
		}
		catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
		}
	}

}
