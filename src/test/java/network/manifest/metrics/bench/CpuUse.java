package network.manifest.metrics.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * CPU time used while a phase ran: by the service's request threads (Tomcat's), by the whole JVM (the
 * service, the benchmark's clients, JIT and GC) and by the local PostgreSQL server's processes (read
 * from /proc; -1 when the database runs elsewhere). The phases measured keep their database connections
 * open, so no backend exits and takes its CPU time with it.
 */
record CpuUse(long serviceNanos, long jvmNanos, long postgresNanos) {

	private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

	private static final long CLOCK_TICK_NANOS = 10_000_000L;

	static CpuUse now() {
		long service = 0;
		for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
			if (info != null && isService(info.getThreadName())) {
				long t = THREADS.getThreadCpuTime(info.getThreadId());
				service += Math.max(0, t);
			}
		}
		long jvm = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
				? os.getProcessCpuTime() : -1;
		return new CpuUse(service, jvm, postgres());
	}

	/** Milliseconds of each part per event (call, request); -1 where unknown. */
	double serviceMillisPer(long events) {
		return per(serviceNanos, events);
	}

	double jvmMillisPer(long events) {
		return per(jvmNanos, events);
	}

	double postgresMillisPer(long events) {
		return per(postgresNanos, events);
	}

	private static double per(long nanos, long events) {
		return nanos < 0 || events == 0 ? -1 : nanos / 1e6 / events;
	}

	CpuUse since(CpuUse start) {
		return new CpuUse(serviceNanos - start.serviceNanos, jvmNanos - start.jvmNanos,
				postgresNanos < 0 || start.postgresNanos < 0 ? -1 : postgresNanos - start.postgresNanos);
	}

	/** Tomcat's request threads and its acceptor and poller. */
	private static boolean isService(String name) {
		return name.startsWith("http-nio-");
	}

	private static long postgres() {
		try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
			return procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
				.mapToLong(CpuUse::postgresTicks)
				.sum() * CLOCK_TICK_NANOS;
		}
		catch (IOException | RuntimeException e) {
			return -1;
		}
	}

	private static long postgresTicks(Path proc) {
		try {
			String stat = Files.readString(proc.resolve("stat"));
			int close = stat.lastIndexOf(')');
			if (!stat.substring(stat.indexOf('(') + 1, close).equals("postgres")) {
				return 0;
			}
			String[] f = stat.substring(close + 2).split(" ");
			// fields 14 and 15 of proc(5): utime, stime (the connections measured stay open, so no
			// backend's time moves to the postmaster's reaped-children counters mid-phase)
			return Long.parseLong(f[11]) + Long.parseLong(f[12]);
		}
		catch (IOException | RuntimeException e) {
			return 0;
		}
	}

}
