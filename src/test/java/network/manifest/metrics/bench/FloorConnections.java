package network.manifest.metrics.bench;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import network.manifest.metrics.support.TestDatabase;

/**
 * The connections of a floor's clients, one per client, open from the warm-up to the end of the measured
 * run as the service's pooled connections are: a measured client takes one and gives it back when done.
 * No backend exits mid-phase, so its CPU time stays where {@link CpuUse} reads it.
 */
final class FloorConnections implements AutoCloseable {

	/** Prepares a new connection (session settings, auto-commit). */
	@FunctionalInterface
	interface Setup {

		void apply(Connection connection) throws SQLException;

	}

	private final List<Connection> all = new ArrayList<>();

	private final BlockingQueue<Connection> idle = new LinkedBlockingQueue<>();

	FloorConnections(TestDatabase.Database database, int count, Setup setup) throws SQLException {
		try {
			for (int i = 0; i < count; i++) {
				Connection c = database.connect();
				all.add(c);
				setup.apply(c);
				idle.add(c);
			}
		}
		catch (SQLException e) {
			close();
			throw e;
		}
	}

	Connection take() throws InterruptedException {
		return idle.take();
	}

	void giveBack(Connection connection) {
		idle.add(connection);
	}

	@Override
	public void close() throws SQLException {
		for (Connection c : all) {
			c.close();
		}
	}

}
