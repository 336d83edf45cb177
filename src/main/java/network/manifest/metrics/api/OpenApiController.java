package network.manifest.metrics.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import network.manifest.metrics.api.ApiFunction.Column;
import network.manifest.metrics.api.ApiFunction.Parameter;

/**
 * An OpenAPI (Swagger 2.0) description of the RPC functions at {@code /}, as PostgREST serves one,
 * generated from the same catalog snapshot the calls are planned against.
 */
@RestController
class OpenApiController {

	private final ApiCatalogService catalogs;

	private final ObjectMapper json;

	private final String version;

	OpenApiController(ApiCatalogService catalogs, ObjectMapper json, ObjectProvider<BuildProperties> build) {
		this.catalogs = catalogs;
		this.json = json;
		BuildProperties properties = build.getIfAvailable();
		this.version = properties == null ? "development" : properties.getVersion();
	}

	@GetMapping(path = { "/", "/openapi.json" })
	ResponseEntity<ObjectNode> describe() {
		return ResponseEntity.ok().contentType(RpcMediaTypes.OPENAPI).body(document(catalogs.current()));
	}

	ObjectNode document(ApiCatalog catalog) {
		ObjectNode doc = json.createObjectNode();
		doc.put("swagger", "2.0");
		ObjectNode info = doc.putObject("info");
		info.put("title", "metrics-gateway");
		info.put("description", "PostgREST-compatible API of the " + catalog.schema() + " schema");
		info.put("version", version);
		doc.put("basePath", "/");
		doc.putArray("schemes").add("http").add("https");
		doc.putArray("consumes").add("application/json").add("application/x-www-form-urlencoded");
		doc.putArray("produces").add("application/json").add("text/csv").add("application/vnd.pgrst.object+json");
		ObjectNode paths = doc.putObject("paths");
		ObjectNode root = paths.putObject("/").putObject("get");
		root.putArray("tags").add("Introspection");
		root.put("summary", "OpenAPI description (this document)");
		root.putArray("produces").add("application/openapi+json").add("application/json");
		root.putObject("responses").putObject("200").put("description", "OK");
		for (ApiFunction f : catalog.functions()) {
			if (paths.has("/rpc/" + f.name())) {
				continue; // overloads share one path; the first describes it
			}
			ObjectNode path = paths.putObject("/rpc/" + f.name());
			if (!f.isVolatile()) {
				ObjectNode get = operation(path.putObject("get"), f);
				ArrayNode parameters = get.putArray("parameters");
				for (Parameter p : f.parameters()) {
					ObjectNode q = parameters.addObject();
					q.put("name", p.name());
					q.put("in", "query");
					q.put("required", p.required());
					type(q, p.type());
				}
			}
			ObjectNode post = operation(path.putObject("post"), f);
			ObjectNode body = post.putArray("parameters").addObject();
			body.put("name", "args");
			body.put("in", "body");
			body.put("required", f.parameters().stream().anyMatch(Parameter::required));
			ObjectNode schema = body.putObject("schema");
			schema.put("type", "object");
			ArrayNode required = schema.putArray("required");
			ObjectNode properties = schema.putObject("properties");
			for (Parameter p : f.parameters()) {
				if (p.required()) {
					required.add(p.name());
				}
				type(properties.putObject(p.name()), p.type());
			}
		}
		doc.putObject("definitions");
		return doc;
	}

	private ObjectNode operation(ObjectNode operation, ApiFunction f) {
		operation.putArray("tags").add("(rpc) " + f.name());
		if (f.description() != null) {
			String[] lines = f.description().split("\n", 2);
			operation.put("summary", lines[0].trim());
			if (lines.length > 1 && !lines[1].isBlank()) {
				operation.put("description", lines[1].trim());
			}
		}
		ObjectNode responses = operation.putObject("responses");
		switch (f.shape()) {
			case VOID -> responses.putObject("204").put("description", "No Content");
			case ROWS -> {
				ObjectNode items = responses.putObject("200").put("description", "OK").putObject("schema")
					.put("type", "array").putObject("items");
				columns(items, f);
			}
			case ROW -> columns(responses.putObject("200").put("description", "OK").putObject("schema"), f);
			case SCALARS -> type(responses.putObject("200").put("description", "OK").putObject("schema")
				.put("type", "array").putObject("items"), f.returnType());
			case SCALAR -> type(responses.putObject("200").put("description", "OK").putObject("schema"), f.returnType());
		}
		return operation;
	}

	private static void columns(ObjectNode schema, ApiFunction f) {
		schema.put("type", "object");
		ObjectNode properties = schema.putObject("properties");
		for (Column c : f.columns()) {
			type(properties.putObject(c.name()), c.type());
		}
	}

	/** Swagger's type for a PostgreSQL type; the PostgreSQL type itself goes into {@code format}. */
	private static void type(ObjectNode node, String pgType) {
		String type = switch (pgType) {
			case "smallint", "integer", "bigint" -> "integer";
			case "numeric", "real", "double precision" -> "number";
			case "boolean" -> "boolean";
			default -> pgType.endsWith("[]") ? "array" : "string";
		};
		node.put("type", type);
		node.put("format", pgType);
		if (type.equals("array")) {
			node.putObject("items").put("type", "string");
		}
	}

}
