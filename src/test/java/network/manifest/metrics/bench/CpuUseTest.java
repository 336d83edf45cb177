package network.manifest.metrics.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import network.manifest.metrics.support.TestDatabase;

/** The benchmark's CPU accounting of PostgreSQL. */
class CpuUseTest {

	@Test
	void aBackendThatExitsMidPhaseKeepsItsTimeInThePhase() throws Exception {
		TestDatabase.Database database = TestDatabase.shared();
		CpuUse start = CpuUse.now();
		// /proc shows the server's processes only when it runs on this host (not in a remote container)
		assumeThat(start.postgresNanos()).isPositive();
		int pid;
		try (Connection c = database.connect(); Statement st = c.createStatement()) {
			try (ResultSet rs = st.executeQuery("select pg_backend_pid()")) {
				rs.next();
				pid = rs.getInt(1);
			}
			// about a second of CPU in this backend
			st.execute("select count(*) from generate_series(1, 20000000)");
		}
		// the backend exits after the connection closes; wait until the postmaster has reaped it
		Path proc = Path.of("/proc", Integer.toString(pid));
		await().atMost(Duration.ofSeconds(30)).until(() -> !Files.exists(proc));
		long used = CpuUse.now().since(start).postgresNanos();
		assertThat(used).as("PostgreSQL CPU time of the phase, ns").isGreaterThan(100_000_000L);
	}

}
