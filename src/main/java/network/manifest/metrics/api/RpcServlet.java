package network.manifest.metrics.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;

import network.manifest.metrics.api.ApiFunction.Shape;
import network.manifest.metrics.api.RpcExecutor.RequestContext;
import network.manifest.metrics.api.RpcExecutor.RpcResult;
import network.manifest.metrics.api.RpcRequest.OutputFormat;

/**
 * {@code /rpc/<function>}: authenticate → parse ({@link RpcRequest}) → plan against the current
 * catalog ({@link CallPlan}) → run ({@link RpcExecutor}) → render, as PostgREST answers.
 */
@RestController
class RpcController {

	private final JwtAuthenticator authenticator;

	private final RpcRequestParser parser;

	private final CallPlanner planner;

	private final RpcExecutor executor;

	private final ApiCatalogService catalogs;

	private final ObjectMapper json;

	RpcController(JwtAuthenticator authenticator, RpcRequestParser parser, CallPlanner planner, RpcExecutor executor,
			ApiCatalogService catalogs, ObjectMapper json) {
		this.authenticator = authenticator;
		this.parser = parser;
		this.planner = planner;
		this.executor = executor;
		this.catalogs = catalogs;
		this.json = json;
	}

	// Every method is listed so that OPTIONS and the refused ones reach this handler, not Spring's defaults.
	// The answer is written to the response directly: the body is already rendered by the database, so
	// Spring's return-value handling and content negotiation would only cost time on every call.
	@RequestMapping(path = "/rpc/{function}", method = { RequestMethod.GET, RequestMethod.HEAD, RequestMethod.POST,
			RequestMethod.OPTIONS, RequestMethod.PUT, RequestMethod.PATCH, RequestMethod.DELETE })
	void call(@PathVariable String function, HttpServletRequest request, HttpServletResponse response)
			throws IOException {
		String method = request.getMethod().toUpperCase(Locale.ROOT);
		if (method.equals("OPTIONS")) {
			options(function, response);
			return;
		}
		if (!method.equals("GET") && !method.equals("HEAD") && !method.equals("POST")) {
			throw RequestError.methodNotAllowed(method);
		}
		Caller caller = authenticator.authenticate(request.getHeader(HttpHeaders.AUTHORIZATION));
		byte[] body = method.equals("POST") ? request.getInputStream().readAllBytes() : new byte[0];
		RpcRequest rpc = parser.parse(function, method, request.getQueryString(), request.getContentType(), body,
				request.getHeader(HttpHeaders.ACCEPT));
		CallPlan plan = planner.plan(rpc, catalogs.current());
		RpcResult result = executor.execute(plan, caller,
				new RequestContext(method, request.getRequestURI(), headersJson(request)));
		render(plan, result, response);
	}

	private void options(String function, HttpServletResponse response) {
		var overloads = catalogs.current().overloads(function);
		if (overloads.isEmpty()) {
			throw CatalogError.noFunction(catalogs.current().schema() + "." + function, java.util.List.of(), null);
		}
		boolean writes = overloads.stream().anyMatch(ApiFunction::isVolatile);
		response.setStatus(HttpServletResponse.SC_OK);
		response.setHeader(HttpHeaders.ALLOW, writes ? "OPTIONS,POST" : "OPTIONS,GET,HEAD,POST");
	}

	private static void render(CallPlan plan, RpcResult result, HttpServletResponse response) throws IOException {
		Shape shape = plan.function().shape();
		if (shape == Shape.VOID) {
			response.setStatus(HttpServletResponse.SC_NO_CONTENT);
			return;
		}
		OutputFormat format = plan.format();
		if (format == OutputFormat.OBJECT && result.rows() != 1) {
			throw RequestError.notSingleObject(result.rows());
		}
		MediaType type = switch (format) {
			case JSON -> RpcMediaTypes.JSON;
			case CSV -> RpcMediaTypes.CSV;
			case OBJECT -> RpcMediaTypes.OBJECT;
		};
		response.setStatus(HttpServletResponse.SC_OK);
		response.setContentType(type.toString());
		if (shape.isSet()) {
			long first = plan.offset() == null ? 0 : plan.offset();
			response.setHeader(HttpHeaders.CONTENT_RANGE,
					result.rows() == 0 ? "*/*" : first + "-" + (first + result.rows() - 1) + "/*");
		}
		byte[] body = result.body() != null ? result.body()
				: (format == OutputFormat.CSV ? "" : "null").getBytes(StandardCharsets.US_ASCII);
		response.setContentLength(body.length);
		response.getOutputStream().write(body);
	}

	/** {@code request.headers} as PostgREST sets it: lower-cased names, one JSON object. */
	private String headersJson(HttpServletRequest request) throws JsonProcessingException {
		Map<String, String> headers = new TreeMap<>();
		for (String name : Collections.list(request.getHeaderNames())) {
			headers.put(name.toLowerCase(Locale.ROOT), String.join(", ", Collections.list(request.getHeaders(name))));
		}
		return json.writeValueAsString(headers);
	}

}
