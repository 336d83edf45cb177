package network.manifest.metrics.api;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.apache.commons.text.similarity.LevenshteinDistance;
import org.springframework.stereotype.Component;

import network.manifest.metrics.api.ApiFunction.Column;
import network.manifest.metrics.api.ApiFunction.Parameter;
import network.manifest.metrics.api.CallPlan.Argument;
import network.manifest.metrics.api.CallPlan.ColumnFilter;
import network.manifest.metrics.api.RpcRequest.Filter;
import network.manifest.metrics.api.RpcRequest.OrderTerm;
import network.manifest.metrics.api.RpcRequest.SelectItem;

/** Resolves an {@link RpcRequest} against a catalog snapshot into a {@link CallPlan}. */
@Component
class CallPlanner {

	/** PostgREST's fuzzy matcher suggests nothing below this similarity. */
	private static final double MIN_SIMILARITY = 0.33;

	private static final Set<String> IS_VALUES = Set.of("null", "not_null", "true", "false", "unknown");

	private final ApiProperties properties;

	CallPlanner(ApiProperties properties) {
		this.properties = properties;
	}

	CallPlan plan(RpcRequest request, ApiCatalog catalog) {
		ApiFunction function = resolve(request, catalog);
		List<Argument> arguments = new ArrayList<>();
		for (Parameter p : function.parameters()) {
			if (request.arguments().containsKey(p.name())) {
				arguments.add(new Argument(p, request.arguments().get(p.name())));
			}
		}
		for (SelectItem s : request.select()) {
			if (!s.all()) {
				column(function, s.column());
			}
		}
		for (OrderTerm o : request.order()) {
			column(function, o.column());
		}
		List<ColumnFilter> filters = new ArrayList<>();
		for (Filter f : request.filters()) {
			filters.add(new ColumnFilter(column(function, f.column()), checked(f)));
		}
		Long limit = request.limit();
		if (properties.maxRows() != null && function.shape().isSet()) {
			limit = limit == null ? properties.maxRows() : Math.min(limit, properties.maxRows());
		}
		boolean readOnly = request.readOnlyMethod() || !function.isVolatile();
		return new CallPlan(function, List.copyOf(arguments), request.select(), List.copyOf(filters),
				request.order(), limit, request.offset(), request.format(), readOnly, false);
	}

	private ApiFunction resolve(RpcRequest request, ApiCatalog catalog) {
		Set<String> given = request.arguments().keySet();
		List<ApiFunction> overloads = catalog.overloads(request.function());
		List<ApiFunction> matches = new ArrayList<>(1);
		for (ApiFunction f : overloads) {
			if (f.accepts(given)) {
				matches.add(f);
			}
		}
		String qualified = catalog.schema() + "." + request.function();
		if (matches.size() == 1) {
			return matches.get(0);
		}
		if (matches.size() > 1) {
			throw CatalogError.ambiguous(qualified, matches);
		}
		List<String> sorted = List.copyOf(new TreeSet<>(given));
		throw CatalogError.noFunction(qualified, sorted, hint(catalog, request.function(), sorted, overloads));
	}

	/**
	 * PostgREST's hint: with overloads of that name, the closest parameter list; otherwise the closest
	 * function name; nothing when nothing is close.
	 */
	private static String hint(ApiCatalog catalog, String name, List<String> given, List<ApiFunction> overloads) {
		String prefix = "Perhaps you meant to call the function " + catalog.schema() + ".";
		if (!overloads.isEmpty()) {
			String wanted = String.join(", ", given);
			return overloads.stream()
				.min(Comparator.comparingDouble(f -> -similarity(wanted, f.parameterList())))
				.map(f -> prefix + f.name() + "(" + f.parameterList() + ")")
				.orElse(null);
		}
		return catalog.names()
			.stream()
			.filter(candidate -> similarity(name, candidate) >= MIN_SIMILARITY)
			.max(Comparator.comparingDouble(candidate -> similarity(name, candidate)))
			.map(candidate -> prefix + candidate)
			.orElse(null);
	}

	private static double similarity(String a, String b) {
		int longest = Math.max(a.length(), b.length());
		if (longest == 0) {
			return 1;
		}
		return 1 - (double) LevenshteinDistance.getDefaultInstance().apply(a, b) / longest;
	}

	private static Column column(ApiFunction function, String name) {
		return function.column(name).orElseThrow(() -> CatalogError.unknownColumn(function.name(), name));
	}

	private static Filter checked(Filter f) {
		if (f.operator().equals("is") && !IS_VALUES.contains(f.value().toLowerCase(java.util.Locale.ROOT))) {
			throw RequestError.invalidQuery("\"failed to parse filter (is." + f.value() + ")\"",
					"is. takes null, not_null, true, false or unknown");
		}
		if (f.operator().equals("in") && !(f.value().startsWith("(") && f.value().endsWith(")"))) {
			throw RequestError.invalidQuery("\"failed to parse filter (in." + f.value() + ")\"",
					"in. takes a parenthesised list: in.(a,b)");
		}
		return f;
	}

}
