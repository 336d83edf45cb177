package network.manifest.metrics.bench;

import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import network.manifest.metrics.support.TestDatabase;

/** What the numbers were measured on. */
record Machine(int cores, long memoryBytes, String postgres, String storage, String postgresSettings, String jvm,
		long maxHeapBytes) {

	static Machine describe(TestDatabase.Database db) throws SQLException {
		long memory = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
				? os.getTotalMemorySize() : -1;
		String jvm = System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
				+ ", collectors " + String.join(" + ", ManagementFactory.getGarbageCollectorMXBeans()
					.stream().map(java.lang.management.GarbageCollectorMXBean::getName).toList());
		try (Connection c = db.connect(); Statement st = c.createStatement()) {
			String version = one(st, "SELECT pg_catalog.version()");
			String timescale = one(st, "SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'timescaledb'");
			String hypertable = timescale == null ? null
					: one(st, "SELECT count(*) FROM timescaledb_information.hypertables "
							+ "WHERE hypertable_schema = 'internal' AND hypertable_name = 'prometheus_remote_write'");
			String storage = timescale == null ? "plain PostgreSQL tables (TimescaleDB not installed)"
					: "1".equals(hypertable) ? "TimescaleDB " + timescale + " hypertables"
							: "plain PostgreSQL tables (TimescaleDB " + timescale + " present, not used)";
			String settings = "shared_buffers=" + one(st, "SHOW shared_buffers") + ", work_mem=" + one(st, "SHOW work_mem")
					+ ", synchronous_commit=" + one(st, "SHOW synchronous_commit") + ", max_wal_size="
					+ one(st, "SHOW max_wal_size");
			return new Machine(Runtime.getRuntime().availableProcessors(), memory, version, storage, settings, jvm,
					Runtime.getRuntime().maxMemory());
		}
	}

	private static String one(Statement st, String sql) throws SQLException {
		try (ResultSet rs = st.executeQuery(sql)) {
			return rs.next() ? rs.getString(1) : null;
		}
	}

}
