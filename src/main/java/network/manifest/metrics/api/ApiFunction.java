package network.manifest.metrics.api;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One function of the exposed schema as the catalog describes it.
 *
 * @param schema its schema
 * @param name its name
 * @param parameters its input parameters in declaration order
 * @param shape what a call returns
 * @param returnType the declared return type as {@code format_type} prints it
 * @param columns the result columns for {@link Shape#ROWS} and {@link Shape#ROW}, else empty
 * @param isVolatile VOLATILE functions may write, so they get a read-write transaction (on POST only)
 * @param cacheable STABLE or IMMUTABLE and not reading the request's settings: its answer depends only on
 *        the call and the data, so {@link RpcResultCache} may keep it until the next write
 * @param readsClock its answer also depends on the time ({@code now()}, directly or through functions it
 *        calls), so a cached answer also expires on time
 * @param description the function's {@code COMMENT}, or null
 */
record ApiFunction(String schema, String name, List<Parameter> parameters, Shape shape, String returnType,
		List<Column> columns, boolean isVolatile, boolean cacheable, boolean readsClock, String description) {

	ApiFunction {
		parameters = List.copyOf(parameters);
		columns = List.copyOf(columns);
	}

	/** An input parameter; {@code type} is written after {@code ::} in calls. */
	record Parameter(String name, String type, boolean required) {
	}

	/** A result column; {@code type} is used to cast filter values. */
	record Column(String name, String type) {
	}

	/** The result forms PostgREST distinguishes. */
	enum Shape {

		/** SETOF a row type or RETURNS TABLE: a JSON array of objects. */
		ROWS,
		/** SETOF a scalar: a JSON array of values. */
		SCALARS,
		/** A single row type: one object. */
		ROW,
		/** A scalar: the bare JSON value. */
		SCALAR,
		/** void: 204 without a body. */
		VOID;

		boolean hasColumns() {
			return this == ROWS || this == ROW;
		}

		boolean isSet() {
			return this == ROWS || this == SCALARS;
		}

	}

	/** PostgREST's rule: the given names are all required parameters plus any of the defaulted ones. */
	boolean accepts(Set<String> given) {
		int known = 0;
		for (Parameter p : parameters) {
			if (given.contains(p.name())) {
				known++;
			}
			else if (p.required()) {
				return false;
			}
		}
		return known == given.size();
	}

	Optional<Column> column(String name) {
		return columns.stream().filter(c -> c.name().equals(name)).findFirst();
	}

	String qualifiedName() {
		return schema + "." + name;
	}

	/** {@code a, b} in declaration order, as hints print a signature. */
	String parameterList() {
		return parameters.stream().map(Parameter::name).collect(Collectors.joining(", "));
	}

}
