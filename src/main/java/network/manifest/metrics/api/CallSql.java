package network.manifest.metrics.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;

import network.manifest.metrics.api.ApiFunction.Column;
import network.manifest.metrics.api.ApiFunction.Shape;
import network.manifest.metrics.api.CallPlan.Argument;
import network.manifest.metrics.api.CallPlan.ColumnFilter;
import network.manifest.metrics.api.RpcRequest.Filter;
import network.manifest.metrics.api.RpcRequest.OrderTerm;
import network.manifest.metrics.api.RpcRequest.OutputFormat;
import network.manifest.metrics.api.RpcRequest.SelectItem;

/**
 * The SQL of a {@link CallPlan}, in PostgREST's shape: the function is called with named arguments,
 * each value a bound parameter cast to the parameter's type ({@code p_a := ?::interval}); PostgreSQL
 * renders the JSON ({@code json_agg}) or CSV. Identifiers come from the catalog and are quoted; nothing
 * from the request is concatenated except quoted identifiers already checked against the catalog and
 * aliases, which are quoted too.
 *
 * <p>The statement returns one row: the rendered body (null for void), the row count and, when the plan
 * counts, the rows of the whole result before limit and offset (else null). The count reads the
 * function's result once: a CTE named twice is computed once.
 *
 * @param sql the statement
 * @param parameters its bind values in order: {@code String} (possibly null) or {@code Long}
 */
record CallSql(String sql, List<Object> parameters) {

	private static final String SOURCE = "_c";

	static CallSql of(CallPlan plan) {
		List<Object> params = new ArrayList<>();
		ApiFunction f = plan.function();
		String call = call(plan, params);
		Shape shape = f.shape();
		return switch (shape) {
			case VOID -> new CallSql("select " + call + ", 0, null", params);
			case SCALAR -> new CallSql(
					(plan.format() == OutputFormat.CSV ? "select (" + call + ")::text" : "select to_json(" + call + ")::text")
							+ ", 1, null",
					params);
			case ROWS, ROW, SCALARS -> new CallSql(plan.count() ? counted(plan, call, params)
					: rendered(plan, inner(plan, call, params), "null"), params);
		};
	}

	private static String call(CallPlan plan, List<Object> params) {
		StringJoiner args = new StringJoiner(", ", "(", ")");
		for (Argument a : plan.arguments()) {
			args.add(quote(a.parameter().name()) + " := ?::" + a.parameter().type());
			params.add(a.value());
		}
		return quote(plan.function().schema()) + "." + quote(plan.function().name()) + args;
	}

	/** {@code with _s as (the filtered result) select body, rows, (select count(*) from _s) from (page of _s)}. */
	private static String counted(CallPlan plan, String call, List<Object> params) {
		String all = inner(plan.withoutPaging(), call, params);
		String page = "select * from _s" + paging(plan, params);
		return "with _s as (" + all + ") " + rendered(plan, page, "(select count(*) from _s)");
	}

	private static String paging(CallPlan plan, List<Object> params) {
		StringBuilder sql = new StringBuilder();
		if (plan.limit() != null) {
			sql.append(" limit ?");
			params.add(plan.limit());
		}
		if (plan.offset() != null) {
			sql.append(" offset ?");
			params.add(plan.offset());
		}
		return sql.toString();
	}

	private static String inner(CallPlan plan, String call, List<Object> params) {
		ApiFunction f = plan.function();
		StringBuilder sql = new StringBuilder("select ");
		if (f.shape() == Shape.SCALARS) {
			sql.append(SOURCE).append('.').append(quote(f.name()));
			sql.append(" from ").append(call).append(" as ").append(SOURCE).append('(').append(quote(f.name())).append(')');
		}
		else {
			sql.append(selectList(plan.select()));
			StringJoiner columns = new StringJoiner(", ", "(", ")");
			f.columns().forEach(c -> columns.add(quote(c.name())));
			sql.append(" from ").append(call).append(" as ").append(SOURCE).append(columns);
		}
		if (!plan.filters().isEmpty()) {
			StringJoiner where = new StringJoiner(" and ", " where ", "");
			for (ColumnFilter cf : plan.filters()) {
				where.add(condition(cf.column(), cf.filter(), params));
			}
			sql.append(where);
		}
		if (!plan.order().isEmpty()) {
			StringJoiner order = new StringJoiner(", ", " order by ", "");
			for (OrderTerm o : plan.order()) {
				order.add(column(o.column()) + (o.descending() ? " desc" : " asc")
						+ (o.nullsFirst() == null ? "" : o.nullsFirst() ? " nulls first" : " nulls last"));
			}
			sql.append(order);
		}
		sql.append(paging(plan, params));
		return sql.toString();
	}

	private static String rendered(CallPlan plan, String inner, String total) {
		ApiFunction f = plan.function();
		String value = f.shape() == Shape.SCALARS ? "_r." + quote(f.name()) : "_r";
		String body = switch (plan.format()) {
			case CSV -> "(select coalesce(string_agg(_k, ','), '') from json_object_keys(json_agg(_r) -> 0) _k)"
					+ " || chr(10) || coalesce(string_agg(substring(_r::text, 2, length(_r::text) - 2), chr(10)), '')";
			case OBJECT -> "(json_agg(" + value + ") -> 0)::text";
			case JSON -> f.shape() == Shape.ROW ? "coalesce((json_agg(_r) -> 0)::text, 'null')"
					: "coalesce(json_agg(" + value + "), '[]')::text";
		};
		return "select " + body + ", count(*), " + total + " from (" + inner + ") _r";
	}

	private static String selectList(List<SelectItem> select) {
		if (select.isEmpty()) {
			return SOURCE + ".*";
		}
		StringJoiner list = new StringJoiner(", ");
		for (SelectItem s : select) {
			if (s.all()) {
				list.add(SOURCE + ".*");
			}
			else {
				list.add(column(s.column()) + (s.alias() == null ? "" : " as " + quote(s.alias())));
			}
		}
		return list.toString();
	}

	private static String condition(Column column, Filter filter, List<Object> params) {
		String col = column(column.name());
		String value = filter.value();
		String sql = switch (filter.operator()) {
			case "eq" -> compare(col, "=", column, value, params);
			case "neq" -> compare(col, "<>", column, value, params);
			case "gt" -> compare(col, ">", column, value, params);
			case "gte" -> compare(col, ">=", column, value, params);
			case "lt" -> compare(col, "<", column, value, params);
			case "lte" -> compare(col, "<=", column, value, params);
			case "like", "ilike" -> {
				params.add(value.replace('*', '%'));
				yield col + "::text " + filter.operator() + " ?";
			}
			case "is" -> col + switch (value.toLowerCase(Locale.ROOT)) {
				case "null" -> " is null";
				case "not_null" -> " is not null";
				case "true" -> " is true";
				case "false" -> " is false";
				default -> " is unknown";
			};
			case "in" -> {
				List<String> items = InList.items(value);
				if (items.isEmpty()) {
					yield "false";
				}
				StringJoiner list = new StringJoiner(", ", col + " in (", ")");
				for (String item : items) {
					params.add(item);
					list.add("?::" + column.type());
				}
				yield list.toString();
			}
			default -> throw new IllegalArgumentException("unplanned operator " + filter.operator());
		};
		return filter.negated() ? "not (" + sql + ")" : sql;
	}

	private static String compare(String col, String operator, Column column, String value, List<Object> params) {
		params.add(value);
		return col + " " + operator + " ?::" + column.type();
	}

	private static String column(String name) {
		return SOURCE + "." + quote(name);
	}

	static String quote(String identifier) {
		return '"' + identifier.replace("\"", "\"\"") + '"';
	}

}
