package network.manifest.metrics.api;

/** The request does not match the catalog (PGRST2xx). */
final class CatalogError extends ApiException {

	private CatalogError(int status, String code, String message, String details, String hint) {
		super(status, code, message, details, hint, null, null);
	}

	/**
	 * PGRST202, worded as PostgREST words it.
	 * @param arguments the given argument names, sorted
	 */
	static CatalogError noFunction(String qualifiedName, java.util.List<String> arguments, String hint) {
		String list = String.join(", ", arguments);
		String message = arguments.isEmpty() ? " without parameters" : "(" + list + ")";
		String details = arguments.isEmpty() ? " without parameters"
				: " with parameter" + (arguments.size() > 1 ? "s " : " ") + list;
		return new CatalogError(404, "PGRST202",
				"Could not find the function " + qualifiedName + message + " in the schema cache",
				"Searched for the function " + qualifiedName + details
						+ ", but no matches were found in the schema cache.",
				hint);
	}

	static CatalogError ambiguous(String qualifiedName, java.util.List<ApiFunction> candidates) {
		String list = String.join(", ",
				candidates.stream().map(f -> qualifiedName + "(" + f.parameterList() + ")").toList());
		return new CatalogError(300, "PGRST203",
				"Could not choose the best candidate function between: " + list,
				null, "Try renaming the parameters or the function itself in the database so function overloading can be resolved");
	}

	/** A column named in select, order or a filter that the result does not have (PostgreSQL's 42703). */
	static CatalogError unknownColumn(String functionName, String column) {
		return new CatalogError(400, "42703", "column " + functionName + "." + column + " does not exist", null,
				null);
	}

}
