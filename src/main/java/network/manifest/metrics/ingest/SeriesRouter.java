package network.manifest.metrics.ingest;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import network.manifest.metrics.ingest.DecodedSeries.Label;

/**
 * Route/identify stage, the old pipeline's Telegraf scripts: name = lower-cased {@code __name__}, schema
 * from the configured rules (later rules win), the tag set the old pipeline hashed (labels without
 * {@code __name__}, {@code host} unless present, {@code tli_name} = name) and its {@code tag_id}.
 */
final class SeriesRouter {

	static final String NAME_LABEL = "__name__";

	private final String hostTag;

	private final String defaultSchema;

	private final List<IngestProperties.Route> routes;

	private final Set<String> cumsumSchemas;

	SeriesRouter(IngestProperties properties) {
		this.hostTag = properties.hostTag();
		this.defaultSchema = properties.defaultSchema();
		this.routes = properties.routes();
		this.cumsumSchemas = Set.copyOf(properties.cumsumSchemas());
	}

	RoutedSeries route(DecodedSeries series) {
		Map<String, String> labels = new HashMap<>(series.labels().size() * 2);
		for (Label label : series.labels()) {
			checkText(series, label.name());
			checkText(series, label.value());
			if (labels.put(label.name(), label.value()) != null) {
				throw IngestException.malformed(describe(series, labels) + ": label " + label.name() + " appears twice");
			}
		}
		String rawName = labels.remove(NAME_LABEL);
		if (rawName == null || rawName.isEmpty()) {
			throw IngestException.malformed(describe(series, labels) + ": metric name (__name__) is missing or empty");
		}
		String name = rawName.toLowerCase(Locale.ROOT);
		String schema = schema(name, labels);
		Map<String, String> tags = labels;
		tags.putIfAbsent("host", hostTag);
		tags.put("tli_name", name);
		long tagId = TagSetHasher.hash(tags);
		TagRow tag = new TagRow(tagId, tags.get("host"), tags.get("instance"), tags.get("country_name"),
				tags.get("city"), tags.get("supply"), tags.get("excluded_supply"), tags.get("amount"));
		StagingTable table = cumsumSchemas.contains(schema) ? StagingTable.CUMSUM : StagingTable.INTERNAL;
		return new RoutedSeries(series.index(), series.handle(), name, schema, table, tag);
	}

	private String schema(String name, Map<String, String> labels) {
		String schema = defaultSchema;
		for (IngestProperties.Route route : routes) {
			boolean labelMatches = route.label() == null || route.value().equals(labels.get(route.label()));
			boolean nameMatches = route.names().isEmpty() || route.names().contains(name);
			if (labelMatches && nameMatches) {
				schema = route.schema();
			}
		}
		return schema;
	}

	/** PostgreSQL text cannot hold NUL; protobuf already rejected invalid UTF-8. */
	private static void checkText(DecodedSeries series, String s) {
		if (s.indexOf('\0') >= 0) {
			throw IngestException.malformed("series " + series.index() + ": label contains a NUL character");
		}
	}

	private static String describe(DecodedSeries series, Map<String, String> labels) {
		String text = labels.toString();
		return "series " + series.index() + " " + (text.length() > 200 ? text.substring(0, 200) + "…}" : text);
	}

}
