package network.manifest.metrics.api;

import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * An immutable snapshot of the exposed schema's functions (PostgREST's schema cache). Requests plan
 * against the snapshot current when they start; a reload swaps in a new one.
 */
final class ApiCatalog {

	private final String schema;

	private final Map<String, List<ApiFunction>> byName;

	private final long generation;

	private final Instant loadedAt;

	ApiCatalog(String schema, Collection<ApiFunction> functions, long generation, Instant loadedAt) {
		this.schema = schema;
		this.byName = functions.stream()
			.collect(Collectors.groupingBy(ApiFunction::name, TreeMap::new, Collectors.toUnmodifiableList()));
		this.generation = generation;
		this.loadedAt = loadedAt;
	}

	String schema() {
		return schema;
	}

	/** All functions of that name (several when overloaded), empty when there is none. */
	List<ApiFunction> overloads(String name) {
		return byName.getOrDefault(name, List.of());
	}

	/** Every function, ordered by name. */
	List<ApiFunction> functions() {
		return byName.values()
			.stream()
			.flatMap(List::stream)
			.sorted(Comparator.comparing(ApiFunction::name))
			.toList();
	}

	Collection<String> names() {
		return byName.keySet();
	}

	/** Increases with every load; tells a reloaded snapshot from the previous one. */
	long generation() {
		return generation;
	}

	Instant loadedAt() {
		return loadedAt;
	}

}
