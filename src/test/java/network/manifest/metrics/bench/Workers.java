package network.manifest.metrics.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs numbered jobs on a fixed number of threads, each pulling the next number until all are done or
 * the time limit has passed, and measures every job and the wall time. Per-thread resources (a
 * connection) are opened before the clock starts.
 */
final class Workers {

	/** One job, given its number. */
	@FunctionalInterface
	interface Job {

		void run(int index) throws Exception;

	}

	/** Opens a thread's job (and whatever it holds, closed at the end when it is AutoCloseable). */
	@FunctionalInterface
	interface JobFactory {

		Job open() throws Exception;

	}

	private Workers() {
	}

	static LatencyStats run(int threads, int count, Job job) throws Exception {
		return run(threads, count, Long.MAX_VALUE, () -> job);
	}

	/**
	 * @param limitNanos no job starts after this much time (at least one job per thread runs)
	 */
	static LatencyStats run(int threads, int count, long limitNanos, JobFactory factory) throws Exception {
		long[] nanos = new long[count];
		AtomicInteger next = new AtomicInteger();
		AtomicInteger done = new AtomicInteger();
		AtomicReference<Throwable> failure = new AtomicReference<>();
		CountDownLatch ready = new CountDownLatch(threads);
		CountDownLatch go = new CountDownLatch(1);
		long[] startedAt = new long[1];
		List<Thread> pool = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			Thread thread = new Thread(() -> {
				Job job = null;
				try {
					job = factory.open();
				}
				catch (Throwable e) {
					failure.compareAndSet(null, e);
				}
				ready.countDown();
				try {
					go.await();
					boolean first = true;
					while (job != null && failure.get() == null) {
						if (!first && System.nanoTime() - startedAt[0] > limitNanos) {
							break;
						}
						int i = next.getAndIncrement();
						if (i >= count) {
							break;
						}
						long t0 = System.nanoTime();
						job.run(i);
						nanos[i] = System.nanoTime() - t0;
						done.incrementAndGet();
						first = false;
					}
				}
				catch (Throwable e) {
					failure.compareAndSet(null, e);
				}
				finally {
					if (job instanceof AutoCloseable closeable) {
						try {
							closeable.close();
						}
						catch (Exception e) {
							failure.compareAndSet(null, e);
						}
					}
				}
			}, "bench-worker-" + t);
			pool.add(thread);
			thread.start();
		}
		ready.await();
		startedAt[0] = System.nanoTime();
		go.countDown();
		for (Thread thread : pool) {
			thread.join();
		}
		long wall = System.nanoTime() - startedAt[0];
		if (failure.get() != null) {
			throw new IllegalStateException("benchmark job failed: " + failure.get(), failure.get());
		}
		// jobs past the time limit never ran; keep only the measured ones
		long[] measured = new long[Math.min(count, done.get())];
		int k = 0;
		for (int i = 0; i < Math.min(count, next.get()) && k < measured.length; i++) {
			if (nanos[i] > 0) {
				measured[k++] = nanos[i];
			}
		}
		return LatencyStats.of(k == measured.length ? measured : java.util.Arrays.copyOf(measured, k), wall);
	}

}
