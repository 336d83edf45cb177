package network.manifest.metrics.api;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;
import org.springframework.http.HttpHeaders;

/**
 * An error raised while running the call: PostgreSQL's own code, message, details and hint, with the
 * status from {@link SqlStateStatus}; or no connection at all (PGRST0xx).
 */
final class DatabaseError extends ApiException {

	private DatabaseError(int status, String code, String message, String details, String hint,
			HttpHeaders headers, Throwable cause) {
		super(status, code, message, details, hint, headers, cause);
	}

	static DatabaseError from(SQLException e, boolean anonymous) {
		ServerErrorMessage server = e instanceof PSQLException p ? p.getServerErrorMessage() : null;
		String state = e.getSQLState();
		if (server == null && (state == null || state.startsWith("08"))) {
			return unavailable(e);
		}
		// The "role does not exist" flavour of 22023 means the token named a role the server lacks.
		int status = "22023".equals(state) && server != null && server.getMessage() != null
				&& server.getMessage().startsWith("role ") ? 401 : SqlStateStatus.of(state, anonymous);
		HttpHeaders headers = null;
		if (status == 401) {
			headers = new HttpHeaders();
			headers.set(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
		}
		String message = server != null ? server.getMessage() : e.getMessage();
		return new DatabaseError(status, state, message, server != null ? server.getDetail() : null,
				server != null ? server.getHint() : null, headers, e);
	}

	/** No connection could be had: a retryable 503, or 504 when the pool timed out (PostgREST's PGRST003). */
	static DatabaseError unavailable(SQLException e) {
		HttpHeaders headers = new HttpHeaders();
		headers.set(HttpHeaders.RETRY_AFTER, "1");
		if (e instanceof SQLTransientConnectionException) {
			return new DatabaseError(504, "PGRST003", "Timed out acquiring connection from connection pool.", null,
					null, headers, e);
		}
		return new DatabaseError(503, "PGRST001", "Database client error. Retrying the connection.", e.getMessage(),
				null, headers, e);
	}

}
