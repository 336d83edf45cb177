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
 * service, the benchmark's clients, JIT and GC), by the JVM's JIT compiler and garbage collector threads
 * (part of the JVM's; read from /proc/self/task, -1 where there is none) and by the local PostgreSQL
 * server's processes (read from /proc, with the time of those that exited; -1 when the database runs
 * elsewhere).
 */
record CpuUse(long serviceNanos, long jvmNanos, long jitAndGcNanos, long postgresNanos) {

	/** Nothing used yet: the start of a sum of phases. */
	static final CpuUse NONE = new CpuUse(0, 0, 0, 0);

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
		return new CpuUse(service, jvm, jitAndGc(), postgres());
	}

	/** Milliseconds of each part per event (call, request); -1 where unknown. */
	double serviceMillisPer(long events) {
		return per(serviceNanos, events);
	}

	double jvmMillisPer(long events) {
		return per(jvmNanos, events);
	}

	double jitAndGcMillisPer(long events) {
		return per(jitAndGcNanos, events);
	}

	double postgresMillisPer(long events) {
		return per(postgresNanos, events);
	}

	/** The JVM and PostgreSQL together: all the CPU the phase used on a machine that runs both. */
	double jvmAndPostgresMillisPer(long events) {
		return per(sum(jvmNanos, postgresNanos), events);
	}

	private static double per(long nanos, long events) {
		return nanos < 0 || events == 0 ? -1 : nanos / 1e6 / events;
	}

	CpuUse since(CpuUse start) {
		return new CpuUse(serviceNanos - start.serviceNanos, jvmNanos - start.jvmNanos,
				difference(jitAndGcNanos, start.jitAndGcNanos), difference(postgresNanos, start.postgresNanos));
	}

	/** The CPU time of two phases together (e.g. the blocks of one path measured in turns). */
	CpuUse plus(CpuUse other) {
		return new CpuUse(serviceNanos + other.serviceNanos, jvmNanos + other.jvmNanos,
				sum(jitAndGcNanos, other.jitAndGcNanos), sum(postgresNanos, other.postgresNanos));
	}

	private static long sum(long a, long b) {
		return a < 0 || b < 0 ? -1 : a + b;
	}

	private static long difference(long end, long start) {
		return end < 0 || start < 0 ? -1 : end - start;
	}

	/** Tomcat's request threads and its acceptor and poller. */
	private static boolean isService(String name) {
		return name.startsWith("http-nio-");
	}

	/**
	 * HotSpot's JIT compiler threads ({@code C1/C2 CompilerThre…}) and garbage collector threads
	 * ({@code GC Thread#…}, {@code G1 …}), which the ThreadMXBean does not list, by their names in /proc.
	 */
	private static long jitAndGc() {
		try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
			return tasks.filter(t -> isJitOrGc(comm(t))).mapToLong(CpuUse::ticks).sum() * CLOCK_TICK_NANOS;
		}
		catch (IOException | RuntimeException e) {
			return -1;
		}
	}

	private static boolean isJitOrGc(String name) {
		return name.contains("CompilerThre") || name.startsWith("GC Thread") || name.startsWith("G1 ");
	}

	private static String comm(Path task) {
		try {
			return Files.readString(task.resolve("comm")).strip();
		}
		catch (IOException e) {
			return "";
		}
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
			// fields 14 to 17 of proc(5): utime, stime, and the reaped children's cutime, cstime (the
			// postmaster's): a backend or autovacuum worker that exits mid-phase moves its time there
			String[] f = fieldsAfterCommand(stat);
			return Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
		}
		catch (IOException | RuntimeException e) {
			return 0;
		}
	}

	/** utime + stime (fields 14 and 15 of proc(5)) of a process or thread, in clock ticks; 0 when it has gone. */
	private static long ticks(Path procOrTask) {
		try {
			String[] f = fieldsAfterCommand(Files.readString(procOrTask.resolve("stat")));
			return Long.parseLong(f[11]) + Long.parseLong(f[12]);
		}
		catch (IOException | RuntimeException e) {
			return 0;
		}
	}

	/** The fields of a stat line after the command name, which may hold spaces: field 3 of proc(5) first. */
	private static String[] fieldsAfterCommand(String stat) {
		return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
	}

}
