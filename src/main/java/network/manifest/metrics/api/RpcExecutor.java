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
 */
@Component
class RpcExecutor {

	// One round trip (sent together with BEGIN) sets the whole request context.
	private static final String PRE_REQUEST = """
			select set_config('role', ?, true), set_config('request.jwt.claims', ?, true),
			       set_config('request.method', ?, true), set_config('request.path', ?, true),
			       set_config('request.headers', ?, true), set_config('statement_timeout', ?, true),
			       set_config('TimeZone', 'UTC', true), set_config('transaction_read_only', ?, true)""";

	private final DataSource dataSource;

	private final String statementTimeout;

	RpcExecutor(DataSource dataSource, ApiProperties properties) {
		this.dataSource = dataSource;
		this.statementTimeout = Long.toString(properties.statementTimeout().toMillis());
	}

	/** Request facts the functions may read with {@code current_setting}. */
	record RequestContext(String method, String path, String headersJson) {
	}

	/** @param body rendered JSON/CSV text, null for void; @param rows rows in a set result */
	record RpcResult(String body, long rows) {
	}

	RpcResult execute(CallPlan plan, Caller caller, RequestContext context) {
		CallSql sql = CallSql.of(plan);
		Connection connection;
		try {
			connection = dataSource.getConnection();
		}
		catch (SQLException e) {
			throw DatabaseError.unavailable(e);
		}
		try (Connection c = connection) {
			c.setAutoCommit(false);
			try {
				setContext(c, caller, context, plan.readOnly());
				RpcResult result = run(c, sql);
				c.commit();
				return result;
			}
			catch (SQLException | RuntimeException e) {
				rollback(c);
				throw e;
			}
		}
		catch (SQLException e) {
			throw DatabaseError.from(e, caller.anonymous());
		}
	}

	private void setContext(Connection c, Caller caller, RequestContext context, boolean readOnly)
			throws SQLException {
		try (PreparedStatement ps = c.prepareStatement(PRE_REQUEST)) {
			ps.setString(1, caller.role());
			ps.setString(2, caller.claimsJson());
			ps.setString(3, context.method());
			ps.setString(4, context.path());
			ps.setString(5, context.headersJson());
			ps.setString(6, statementTimeout);
			ps.setString(7, readOnly ? "on" : "off");
			ps.execute();
		}
	}

	private static RpcResult run(Connection c, CallSql sql) throws SQLException {
		try (PreparedStatement ps = c.prepareStatement(sql.sql())) {
			List<Object> params = sql.parameters();
			for (int i = 0; i < params.size(); i++) {
				Object value = params.get(i);
				if (value == null) {
					ps.setNull(i + 1, Types.VARCHAR);
				}
				else if (value instanceof Long n) {
					ps.setLong(i + 1, n);
				}
				else {
					ps.setString(i + 1, (String) value);
				}
			}
			try (ResultSet rs = ps.executeQuery()) {
				rs.next();
				return new RpcResult(rs.getString(1), rs.getLong(2));
			}
		}
	}

	private static void rollback(Connection c) {
		try {
			c.rollback();
		}
		catch (SQLException ignored) {
			// the connection is broken; the pool discards it
		}
	}

}
