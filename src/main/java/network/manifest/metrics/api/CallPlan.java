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
 * @param count also count the rows of a set result before limit and offset ({@code Prefer: count=exact})
 */
record CallPlan(ApiFunction function, List<Argument> arguments, List<SelectItem> select,
		List<ColumnFilter> filters, List<OrderTerm> order, Long limit, Long offset, OutputFormat format,
		boolean readOnly, boolean count) {

	/** The same call, counting the whole result when asked to and the result is a set. */
	CallPlan withCount(boolean wanted) {
		boolean counted = wanted && function.shape().isSet();
		return counted == count ? this
				: new CallPlan(function, arguments, select, filters, order, limit, offset, format, readOnly, counted);
	}

	/** The whole filtered, ordered result: no limit, no offset. */
	CallPlan withoutPaging() {
		return new CallPlan(function, arguments, select, filters, order, null, null, format, readOnly, count);
	}

	/** The same call restricted to the rows {@code first..last} (last null: open-ended) of its result. */
	CallPlan withRange(long first, Long last) {
		long from = Math.max(first, offset == null ? 0 : offset);
		Long to = last;
		if (limit != null) {
			long queryLast = (offset == null ? 0 : offset) + limit - 1;
			to = to == null ? queryLast : Math.min(to, queryLast);
		}
		Long rangeLimit = to == null ? null : Math.max(0, to - from + 1);
		return new CallPlan(function, arguments, select, filters, order, rangeLimit, from == 0 ? null : from, format,
				readOnly, count);
	}

	/** A parameter and its text value (null for SQL NULL). */
	record Argument(Parameter parameter, String value) {
	}

	/** A filter on a known result column. */
	record ColumnFilter(Column column, Filter filter) {
	}

}
