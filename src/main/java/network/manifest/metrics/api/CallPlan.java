package network.manifest.metrics.api;

import java.util.List;

import network.manifest.metrics.api.ApiFunction.Column;
import network.manifest.metrics.api.ApiFunction.Parameter;
import network.manifest.metrics.api.RpcRequest.Filter;
import network.manifest.metrics.api.RpcRequest.OrderTerm;
import network.manifest.metrics.api.RpcRequest.OutputFormat;
import network.manifest.metrics.api.RpcRequest.SelectItem;

/**
 * A request resolved against the catalog: every name in it is known to exist, so building SQL from
 * it needs no further checks.
 *
 * @param function the function to call
 * @param arguments the given arguments, in the function's parameter order
 * @param select the kept columns (empty: all)
 * @param filters conditions with the column they apply to
 * @param order ordering by known columns
 * @param limit row limit (already bounded by the configured maximum), or null
 * @param offset rows to skip, or null
 * @param format the representation to produce
 * @param readOnly run in a READ ONLY transaction
 */
record CallPlan(ApiFunction function, List<Argument> arguments, List<SelectItem> select,
		List<ColumnFilter> filters, List<OrderTerm> order, Long limit, Long offset, OutputFormat format,
		boolean readOnly) {

	/** A parameter and its text value (null for SQL NULL). */
	record Argument(Parameter parameter, String value) {
	}

	/** A filter on a known result column. */
	record ColumnFilter(Column column, Filter filter) {
	}

}
