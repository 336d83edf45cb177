package network.manifest.metrics.ingest;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request = two transactions: first the request's tag rows the database does not have yet, then all of
 * its samples — committed whole, or not at all. New tags get their own short transaction so that concurrent
 * requests bringing the same new series (a backfill's clients all do, at every label change) wait for each
 * other only that long, not for each other's whole sample transaction; a tag row without samples is
 * harmless, and is what the sender's retry needs anyway. A deadlock or serialization failure (40P01,
 * 40001) — possible when another request or service instance writes the same rollup rows — rolls back and
 * reruns that transaction a bounded number of times. Writes are idempotent (the database deduplicates), so
 * rerunning can never count a row twice.
 */
final class StagingTransaction {

	private static final Logger log = LoggerFactory.getLogger(StagingTransaction.class);

	private final IngestDatabase database;

	private final StagingWriter writer;

	private final int maxAttempts;

	private final Duration backoff;

	private final Duration retryAfter;

	private final IngestMetrics metrics;

	StagingTransaction(IngestDatabase database, StagingWriter writer, IngestProperties properties,
			IngestMetrics metrics) {
		this.database = database;
		this.writer = writer;
		this.maxAttempts = properties.maxAttempts();
		this.backoff = properties.retryBackoff();
		this.retryAfter = properties.retryAfter();
		this.metrics = metrics;
	}

	StagingWriter.Copied commit(WritePlan plan) {
		inTransaction(connection -> writer.writeMissingTags(connection, plan.tags()));
		return inTransaction(connection -> writer.writeSamples(connection, plan));
	}

	/** Work on a connection inside a transaction the caller commits. */
	@FunctionalInterface
	interface Work<T> {

		T run(Connection connection) throws SQLException;

	}

	private <T> T inTransaction(Work<T> work) {
		for (int attempt = 1;; attempt++) {
			try (Connection connection = database.connection()) {
				try {
					T result = work.run(connection);
					connection.commit();
					return result;
				}
				catch (SQLException | RuntimeException e) {
					rollbackQuietly(connection);
					throw e;
				}
			}
			catch (SQLException e) {
				if (isConflict(e) && attempt < maxAttempts) {
					log.debug("write conflict ({}), attempt {} of {}", e.getSQLState(), attempt, maxAttempts);
					metrics.retried();
					pause(attempt);
					continue;
				}
				throw translate(e, attempt);
			}
		}
	}

	private IngestException translate(SQLException e, int attempts) {
		String state = e.getSQLState() == null ? "" : e.getSQLState();
		if (isConflict(e)) {
			return IngestException.unavailable("write conflict persisted after " + attempts + " attempts (SQLSTATE "
					+ state + ")", retryAfter, e);
		}
		if (e instanceof SQLTransientConnectionException || state.startsWith("08") || state.startsWith("53")
				|| state.startsWith("57P") || state.equals("55P03")) {
			return IngestException.unavailable("database unavailable: " + e.getMessage(), retryAfter, e);
		}
		log.error("ingest transaction failed with SQLSTATE {}", state, e);
		return IngestException.databaseError("database error (SQLSTATE " + state + ")", e);
	}

	private static boolean isConflict(SQLException e) {
		return "40P01".equals(e.getSQLState()) || "40001".equals(e.getSQLState());
	}

	/** Exponential backoff with jitter, so that two conflicting writers do not collide again in step. */
	private void pause(int attempt) {
		long base = backoff.toMillis() << Math.min(attempt - 1, 6);
		long millis = base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1);
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ie) {
			Thread.currentThread().interrupt();
			throw IngestException.unavailable("interrupted while retrying", retryAfter, ie);
		}
	}

	private static void rollbackQuietly(Connection connection) {
		try {
			connection.rollback();
		}
		catch (SQLException ignored) {
			// a broken connection is evicted by the pool; the transaction is gone either way
		}
	}

}
