package network.manifest.metrics.api;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;

import javax.sql.DataSource;

import org.springframework.stereotype.Component;

/**
 * Runs a call in one transaction with PostgREST's transaction-local request context: the caller's
 * role ({@code SET LOCAL ROLE}, so PostgreSQL enforces the grants), {@code request.jwt.claims},
 * {@code request.method}, {@code request.path}, {@code request.headers}, the statement timeout, UTC
 * (timestamptz renders as {@code …+00:00}) and READ ONLY unless the plan may write.
 *
 * <p>The context statement and the call go to the server as one pipeline ending in one Sync, which
 * PostgreSQL runs as one implicit transaction: committed when both succeed, rolled back otherwise, and
 * the transaction-local settings never outlive the request. One network round trip per request.
 */
@Component
class RpcExecutor {

	private static final String PRE_REQUEST = """
			select set_config('role', ?, true), set_config('request.jwt.claims', ?, true),
			       set_config('request.method', ?, true), set_config('request.path', ?, true),
			       set_config('request.headers', ?, true), set_config('statement_timeout', ?, true),
			       set_config('TimeZone', 'UTC', true), set_config('transaction_read_only', ?, true)""";

	private static final int PRE_REQUEST_PARAMETERS = 7;

	private final DataSource dataSource;

	private final String statementTimeout;

	RpcExecutor(DataSource dataSource, ApiProperties properties) {
		this.dataSource = dataSource;
		this.statementTimeout = Long.toString(properties.statementTimeout().toMillis());
	}

	/** Request facts the functions may read with {@code current_setting}. */
	record RequestContext(String method, String path, String headersJson) {
	}

	/**
	 * @param body the rendered JSON/CSV text as the database sent it (UTF-8), null for void
	 * @param rows rows in a set result
	 * @param total rows of the whole result before limit and offset when the plan counts, else null
	 */
	record RpcResult(byte[] body, long rows, Long total) {
	}

	RpcResult execute(CallPlan plan, Caller caller, RequestContext context) {
		CallSql call = CallSql.of(plan);
		Connection connection;
		try {
			connection = dataSource.getConnection();
		}
		catch (SQLException e) {
			throw DatabaseError.unavailable(e);
		}
		try (Connection c = connection;
				PreparedStatement ps = c.prepareStatement(PRE_REQUEST + ";\n" + call.sql())) {
			if (!c.getAutoCommit()) {
				throw new IllegalStateException("the API needs connections in auto-commit mode");
			}
			ps.setString(1, caller.role());
			ps.setString(2, caller.claimsJson());
			ps.setString(3, context.method());
			ps.setString(4, context.path());
			ps.setString(5, context.headersJson());
			ps.setString(6, statementTimeout);
			ps.setString(7, plan.readOnly() ? "on" : "off");
			bind(ps, PRE_REQUEST_PARAMETERS, call.parameters());
			ps.execute();
			if (!ps.getMoreResults()) {
				throw new IllegalStateException("the call returned no result");
			}
			try (ResultSet rs = ps.getResultSet()) {
				rs.next();
				// the driver's bytes of a text column are its UTF-8 text: no decoding to a String and back
				long total = rs.getLong(3);
				Long counted = rs.wasNull() ? null : total;
				return new RpcResult(rs.getBytes(1), rs.getLong(2), counted);
			}
		}
		catch (SQLException e) {
			throw DatabaseError.from(e, caller.anonymous());
		}
	}

	private static void bind(PreparedStatement ps, int offset, List<Object> params) throws SQLException {
		for (int i = 0; i < params.size(); i++) {
			Object value = params.get(i);
			int index = offset + i + 1;
			if (value == null) {
				ps.setNull(index, Types.VARCHAR);
			}
			else if (value instanceof Long n) {
				ps.setLong(index, n);
			}
			else {
				ps.setString(index, (String) value);
			}
		}
	}

}
