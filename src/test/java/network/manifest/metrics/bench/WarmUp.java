package network.manifest.metrics.bench;

import java.lang.management.ManagementFactory;

/**
 * Untimed rounds before a measurement, repeated until the JIT compiler is quiet: compiling took under
 * 2% of a round's wall time. On a machine whose cores the service, the clients and the database share,
 * the compiler otherwise keeps a good part of a core busy well into the measured calls (a long-running
 * service has long paid that cost), and the first measurements would include it. A tenth was not quiet
 * enough: the rounds stopped after 4 to 7, and the compiler then still took 0.2 to 0.5 ms of CPU per HTTP
 * call of the first shapes measured, a tenth of such a call.
 */
final class WarmUp {

	/** One untimed round; {@code round} counts from 0. */
	@FunctionalInterface
	interface Round {

		void run(int round) throws Exception;

	}

	/** @param rounds rounds run, @param seconds their wall time, @param quiet whether the compiler went quiet */
	record Outcome(int rounds, double seconds, boolean quiet) {
	}

	private WarmUp() {
	}

	/** Round wall time per millisecond of compiling below which the compiler counts as quiet. */
	private static final int QUIET = 50;

	static Outcome untilCompilerQuiet(int maxRounds, Round round) throws Exception {
		long start = System.nanoTime();
		for (int r = 0; r < maxRounds; r++) {
			long compiling = compilationMillis();
			long t0 = System.nanoTime();
			round.run(r);
			long wallMillis = (System.nanoTime() - t0) / 1_000_000;
			if ((compilationMillis() - compiling) * QUIET < wallMillis) {
				return new Outcome(r + 1, (System.nanoTime() - start) / 1e9, true);
			}
		}
		return new Outcome(maxRounds, (System.nanoTime() - start) / 1e9, false);
	}

	/** Wall time the JIT compiler threads have spent compiling (ms). */
	private static long compilationMillis() {
		return ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
	}

}
