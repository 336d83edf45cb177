package network.manifest.metrics.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.filter.ServerHttpObservationFilter;

import network.manifest.metrics.api.ApiFunction.Shape;
import network.manifest.metrics.api.RpcExecutor.RequestContext;
import network.manifest.metrics.api.RpcExecutor.RpcResult;
import network.manifest.metrics.api.RpcRequest.OutputFormat;

/**
 * {@code /rpc/<function>}: authenticate → parse ({@link RpcRequest}) → plan against the current
 * catalog ({@link CallPlan}) → run ({@link RpcExecutor}) → render, as PostgREST answers.
 *
 * <p>A plain servlet rather than a Spring MVC handler: the database renders the body, so MVC's handler
 * lookup, argument resolution and return-value handling had nothing to do but took about a sixth of the
 * service's CPU time per call. The servlet filters (CORS, compression, {@code http.server.requests}) apply
 * as to every other path.
 */
class RpcServlet extends HttpServlet {

	/** How {@code http.server.requests} names the calls ({@code uri} tag), one series for all functions. */
	private static final String PATH_PATTERN = "/rpc/{function}";

	private final transient JwtAuthenticator authenticator;

	private final transient RpcRequestParser parser;

	private final transient CallPlanner planner;

	private final transient RpcExecutor executor;

	private final transient ApiCatalogService catalogs;

	private final transient ApiErrors errors;

	private final transient ObjectMapper json;

	private final transient RpcResultCache cache;

	RpcServlet(JwtAuthenticator authenticator, RpcRequestParser parser, CallPlanner planner, RpcExecutor executor,
			ApiCatalogService catalogs, ApiErrors errors, ObjectMapper json, RpcResultCache cache) {
		this.authenticator = authenticator;
		this.parser = parser;
		this.planner = planner;
		this.executor = executor;
		this.catalogs = catalogs;
		this.errors = errors;
		this.json = json;
		this.cache = cache;
	}

	// Every method comes here (not to HttpServlet's per-method defaults): OPTIONS and the refused ones are
	// answered as PostgREST answers them.
	@Override
	protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
		ServerHttpObservationFilter.findObservationContext(request).ifPresent(c -> c.setPathPattern(PATH_PATTERN));
		try {
			call(request, response);
		}
		catch (ApiException e) {
			errors.write(response, e);
		}
		catch (RuntimeException e) {
			errors.writeUnexpected(response, e);
		}
	}

	private void call(HttpServletRequest request, HttpServletResponse response) throws IOException {
		String function = functionName(request.getPathInfo());
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
		CallPlan plan = planner.plan(rpc, catalogs.current())
			.withCount(RpcHeaders.countRequested(request.getHeaders("Prefer")));
		if (!method.equals("POST") && plan.function().shape().isSet()) {
			plan = RpcHeaders.applyRange(plan, request.getHeader(HttpHeaders.RANGE), request.getHeader("Range-Unit"));
		}
		if (!plan.function().cacheable()) {
			RpcResult result = run(plan, caller, method, request);
			if (!plan.readOnly()) {
				// a write through the API (a VOLATILE function, committed): kept answers may be stale now
				cache.onLocalWrite();
			}
			render(plan, result, null, request, response);
			return;
		}
		RpcResultCache.Key key = RpcResultCache.Key.of(plan, caller);
		// Cache-Control: no-cache from the client asks for an answer from the database (it is kept as usual)
		RpcResultCache.Entry entry = RpcHeaders.noCache(request.getHeaders(HttpHeaders.CACHE_CONTROL)) ? null
				: cache.get(key);
		if (entry == null) {
			long epoch = cache.epoch();
			entry = cache.put(key, epoch, run(plan, caller, method, request), plan.function().readsClock());
		}
		render(plan, entry.result(), entry.etag(), request, response);
	}

	private RpcResult run(CallPlan plan, Caller caller, String method, HttpServletRequest request)
			throws JsonProcessingException {
		return executor.execute(plan, caller, new RequestContext(method, request.getRequestURI(), headersJson(request)));
	}

	/** The function's name: the one path segment after {@code /rpc/}. */
	private static String functionName(String pathInfo) {
		if (pathInfo == null || pathInfo.length() < 2 || pathInfo.indexOf('/', 1) >= 0) {
			throw RequestError.invalidPath();
		}
		return pathInfo.substring(1);
	}

	private void options(String function, HttpServletResponse response) {
		var overloads = catalogs.current().overloads(function);
		if (overloads.isEmpty()) {
			throw CatalogError.noFunction(catalogs.current().schema() + "." + function, List.of(), null);
		}
		boolean writes = overloads.stream().anyMatch(ApiFunction::isVolatile);
		response.setStatus(HttpServletResponse.SC_OK);
		response.setHeader(HttpHeaders.ALLOW, writes ? "OPTIONS,POST" : "OPTIONS,GET,HEAD,POST");
	}

	/**
	 * Status, headers and body as PostgREST sends them; {@code etag} (cacheable calls only) adds the
	 * validators and answers a matching {@code If-None-Match} with 304. HEAD gets the headers only.
	 */
	private static void render(CallPlan plan, RpcResult result, String etag, HttpServletRequest request,
			HttpServletResponse response) throws IOException {
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
		int status = HttpServletResponse.SC_OK;
		if (shape.isSet()) {
			long first = plan.offset() == null ? 0 : plan.offset();
			Long total = result.total();
			if (total != null && first > total) {
				throw RequestError.rangeNotSatisfiable(
						"An offset of " + first + " was requested, but there are only " + total + " rows.", total);
			}
			if (total != null && result.rows() < total) {
				status = HttpServletResponse.SC_PARTIAL_CONTENT;
			}
			String of = total == null ? "*" : total.toString();
			response.setHeader(HttpHeaders.CONTENT_RANGE,
					result.rows() == 0 ? "*/" + of : first + "-" + (first + result.rows() - 1) + "/" + of);
		}
		if (etag != null) {
			response.setHeader(HttpHeaders.ETAG, etag);
			// a browser or proxy may keep the answer but must ask again each time: never stale across a write
			response.setHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
			if (RpcHeaders.matches(request.getHeaders(HttpHeaders.IF_NONE_MATCH), etag)) {
				response.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
				return;
			}
		}
		response.setStatus(status);
		response.setContentType(type.toString());
		byte[] body = result.body() != null ? result.body()
				: (format == OutputFormat.CSV ? "" : "null").getBytes(StandardCharsets.US_ASCII);
		response.setContentLength(body.length);
		if (!request.getMethod().equalsIgnoreCase("HEAD")) {
			response.getOutputStream().write(body);
		}
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
