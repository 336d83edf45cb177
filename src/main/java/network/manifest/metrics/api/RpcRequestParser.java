package network.manifest.metrics.api;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;

import network.manifest.metrics.api.RpcRequest.Filter;
import network.manifest.metrics.api.RpcRequest.OrderTerm;
import network.manifest.metrics.api.RpcRequest.OutputFormat;
import network.manifest.metrics.api.RpcRequest.SelectItem;

/**
 * Parses an HTTP request into an {@link RpcRequest} without touching the database, with PostgREST's
 * rules: which query keys are arguments, which are filters, and which are reserved.
 */
@Component
class RpcRequestParser {

	private static final Set<String> RESERVED = Set.of("select", "columns", "on_conflict", "order", "limit", "offset",
			"and", "or");

	private static final List<String> EMBEDDED_SUFFIXES = List.of(".order", ".limit", ".offset", ".and", ".or");

	/** Every operator PostgREST knows; a value starting with one of them is a filter, not an argument. */
	private static final Pattern FILTER = Pattern.compile(
			"^(not\\.)?(eq|neq|gt|gte|lt|lte|like|ilike|match|imatch|in|is|isdistinct|fts|plfts|phfts|wfts|cs|cd|ov|sl|sr|nxr|nxl|adj)(\\((?:any|all)\\))?\\.(.*)$",
			Pattern.DOTALL);

	private static final Set<String> SUPPORTED_OPERATORS = Set.of("eq", "neq", "gt", "gte", "lt", "lte", "like",
			"ilike", "in", "is");

	private static final MediaType FORM = MediaType.APPLICATION_FORM_URLENCODED;

	private static final MediaType OBJECT = MediaType.parseMediaType("application/vnd.pgrst.object+json");

	private static final MediaType OBJECT_SHORT = MediaType.parseMediaType("application/vnd.pgrst.object");

	// Exact decimals: a JSON number is passed to PostgreSQL with every digit it was sent with.
	private final ObjectMapper json = JsonMapper.builder()
		.enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
		.enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
		.build();

	RpcRequest parse(String function, String method, String rawQuery, String contentType, byte[] body,
			String accept) {
		OutputFormat format = outputFormat(accept);
		Map<String, String> arguments = new LinkedHashMap<>();
		List<Filter> filters = new ArrayList<>();
		List<SelectItem> select = List.of();
		List<OrderTerm> order = List.of();
		Long limit = null;
		Long offset = null;
		boolean post = method.equals("POST");
		for (Map.Entry<String, String> p : urlEncoded(rawQuery, "query string")) {
			String key = p.getKey();
			String value = p.getValue();
			switch (key) {
				case "select" -> select = select(value);
				case "order" -> order = order(value);
				case "limit" -> limit = nonNegative("limit", value);
				case "offset" -> offset = nonNegative("offset", value);
				case "columns", "on_conflict" -> {
					// Only meaningful for table writes; PostgREST ignores them on /rpc too.
				}
				case "and", "or" -> throw RequestError.invalidQuery("Logical filters are not supported", key);
				default -> {
					if (EMBEDDED_SUFFIXES.stream().anyMatch(key::endsWith)) {
						throw RequestError.invalidQuery("Embedded resources are not supported", key);
					}
					Matcher m = FILTER.matcher(value);
					if (m.matches()) {
						filters.add(filter(key, m));
					}
					else if (!post) {
						arguments.putIfAbsent(key, value);
					}
				}
			}
		}
		if (post) {
			arguments.putAll(bodyArguments(contentType, body));
		}
		return new RpcRequest(function, method, arguments, List.copyOf(filters), select, order, limit, offset,
				format);
	}

	private static Filter filter(String column, Matcher m) {
		String operator = m.group(2);
		if (m.group(3) != null || !SUPPORTED_OPERATORS.contains(operator)) {
			throw RequestError.invalidQuery("Unsupported filter operator: " + operator + (m.group(3) == null ? "" : m.group(3)),
					"Supported: " + String.join(", ", SUPPORTED_OPERATORS.stream().sorted().toList()));
		}
		return new Filter(column, m.group(1) != null, operator, m.group(4));
	}

	private Map<String, String> bodyArguments(String contentType, byte[] body) {
		MediaType type;
		try {
			type = contentType == null || contentType.isBlank() ? MediaType.APPLICATION_JSON
					: MediaType.parseMediaType(contentType);
		}
		catch (InvalidMediaTypeException e) {
			throw RequestError.unsupportedContentType(contentType);
		}
		if (FORM.includes(type)) {
			Map<String, String> form = new LinkedHashMap<>();
			for (Map.Entry<String, String> e : urlEncoded(new String(body, StandardCharsets.UTF_8), "form body")) {
				form.putIfAbsent(e.getKey(), e.getValue());
			}
			return form;
		}
		if (!type.isCompatibleWith(MediaType.APPLICATION_JSON) && !"json".equals(type.getSubtypeSuffix())) {
			throw RequestError.unsupportedContentType(contentType);
		}
		return jsonArguments(body);
	}

	private Map<String, String> jsonArguments(byte[] body) {
		if (body.length == 0 || new String(body, StandardCharsets.UTF_8).isBlank()) {
			return Map.of();
		}
		JsonNode root;
		try {
			root = json.readTree(body);
		}
		catch (IOException e) {
			throw RequestError.invalidBody();
		}
		if (root == null || !root.isObject()) {
			throw RequestError.invalidBody();
		}
		Map<String, String> args = new LinkedHashMap<>();
		for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext();) {
			Map.Entry<String, JsonNode> e = it.next();
			args.put(e.getKey(), text(e.getValue()));
		}
		return args;
	}

	/** A JSON value as the text PostgreSQL casts to the parameter's type. */
	private static String text(JsonNode value) {
		if (value.isNull()) {
			return null;
		}
		if (value.isTextual()) {
			return value.textValue();
		}
		if (value.isBigDecimal()) {
			BigDecimal d = value.decimalValue();
			return d.toPlainString();
		}
		if (value.isNumber() || value.isBoolean()) {
			return value.asText();
		}
		return value.toString();
	}

	private static List<Map.Entry<String, String>> urlEncoded(String raw, String what) {
		List<Map.Entry<String, String>> out = new ArrayList<>();
		if (raw == null || raw.isEmpty()) {
			return out;
		}
		for (String part : raw.split("&")) {
			if (part.isEmpty()) {
				continue;
			}
			int eq = part.indexOf('=');
			try {
				String key = URLDecoder.decode(eq < 0 ? part : part.substring(0, eq), StandardCharsets.UTF_8);
				String value = eq < 0 ? "" : URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
				out.add(Map.entry(key, value));
			}
			catch (IllegalArgumentException e) {
				throw RequestError.invalidQuery("Malformed " + what, e.getMessage());
			}
		}
		return out;
	}

	private static Long nonNegative(String name, String value) {
		try {
			long n = Long.parseLong(value.trim());
			if (n >= 0) {
				return n;
			}
		}
		catch (NumberFormatException e) {
			// reported below
		}
		throw RequestError.invalidQuery("\"failed to parse " + name + " parameter (" + value + ")\"", null);
	}

	private static List<SelectItem> select(String value) {
		List<SelectItem> items = new ArrayList<>();
		for (String raw : value.split(",")) {
			String item = raw.trim();
			if (item.isEmpty()) {
				continue;
			}
			if (item.contains("::") || item.contains("(") || item.contains("->")) {
				throw RequestError.invalidQuery("\"failed to parse select parameter (" + value + ")\"",
						"Casts, JSON paths and embedded resources are not supported on /rpc");
			}
			int colon = item.indexOf(':');
			items.add(colon < 0 ? new SelectItem(item, null)
					: new SelectItem(item.substring(colon + 1).trim(), item.substring(0, colon).trim()));
		}
		return List.copyOf(items);
	}

	private static List<OrderTerm> order(String value) {
		List<OrderTerm> terms = new ArrayList<>();
		for (String raw : value.split(",")) {
			String[] parts = raw.trim().split("\\.");
			if (parts.length == 0 || parts[0].isEmpty() || parts.length > 3) {
				throw RequestError.invalidQuery("\"failed to parse order (" + value + ")\"", null);
			}
			boolean descending = false;
			Boolean nullsFirst = null;
			for (int i = 1; i < parts.length; i++) {
				switch (parts[i]) {
					case "asc" -> descending = false;
					case "desc" -> descending = true;
					case "nullsfirst" -> nullsFirst = true;
					case "nullslast" -> nullsFirst = false;
					default -> throw RequestError.invalidQuery("\"failed to parse order (" + value + ")\"",
							"unexpected \"" + parts[i] + "\"");
				}
			}
			terms.add(new OrderTerm(parts[0], descending, nullsFirst));
		}
		return List.copyOf(terms);
	}

	private static OutputFormat outputFormat(String accept) {
		if (accept == null || accept.isBlank()) {
			return OutputFormat.JSON;
		}
		List<MediaType> types;
		try {
			types = new ArrayList<>(MediaType.parseMediaTypes(accept));
		}
		catch (InvalidMediaTypeException e) {
			throw RequestError.notAcceptable(accept);
		}
		types.sort(Comparator.comparingDouble(MediaType::getQualityValue).reversed());
		for (MediaType t : types) {
			if (t.getQualityValue() <= 0) {
				continue;
			}
			if (t.isWildcardType() || t.equalsTypeAndSubtype(MediaType.APPLICATION_JSON)
					|| (t.getType().equals("application") && t.isWildcardSubtype())) {
				return OutputFormat.JSON;
			}
			if (t.getType().equals("text") && t.getSubtype().equals("csv")) {
				return OutputFormat.CSV;
			}
			if (t.equalsTypeAndSubtype(OBJECT) || t.equalsTypeAndSubtype(OBJECT_SHORT)) {
				return OutputFormat.OBJECT;
			}
		}
		throw RequestError.notAcceptable(accept);
	}

}
