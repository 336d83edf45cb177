package network.manifest.metrics.api;

import java.util.List;
import java.util.Map;

/**
 * A parsed {@code /rpc} request, before any database work.
 *
 * @param function the function name from the path
 * @param method GET, HEAD or POST
 * @param arguments argument name → text value (null for JSON null), in the order given
 * @param filters conditions on the result's columns ({@code col=op.value})
 * @param select the result columns to keep; empty keeps all
 * @param order the ordering of the result
 * @param limit at most this many rows, or null
 * @param offset rows to skip, or null
 * @param format the representation the client accepts
 */
record RpcRequest(String function, String method, Map<String, String> arguments, List<Filter> filters,
		List<SelectItem> select, List<OrderTerm> order, Long limit, Long offset, OutputFormat format) {

	boolean readOnlyMethod() {
		return !method.equals("POST");
	}

	/** {@code col=[not.]op.value}. */
	record Filter(String column, boolean negated, String operator, String value) {
	}

	/** {@code [alias:]column}, or {@code *}. */
	record SelectItem(String column, String alias) {

		boolean all() {
			return column.equals("*");
		}

	}

	/** {@code column[.asc|.desc][.nullsfirst|.nullslast]}. */
	record OrderTerm(String column, boolean descending, Boolean nullsFirst) {
	}

	/** What the client asked for with {@code Accept}. */
	enum OutputFormat {

		JSON, CSV, OBJECT

	}

}
