package network.manifest.metrics.api;

import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.CorsConfigurationSource;
import org.springframework.web.filter.CorsFilter;

/** The {@code /rpc} servlet, and CORS like PostgREST's default and response compression for the API's paths. */
@Configuration(proxyBeanMethods = false)
class ApiWebConfiguration {

	private static final String[] PATHS = { "/", "/openapi.json", "/rpc/*" };

	@Bean
	ServletRegistrationBean<RpcServlet> rpcServlet(JwtAuthenticator authenticator, RpcRequestParser parser,
			CallPlanner planner, RpcExecutor executor, ApiCatalogService catalogs, ApiErrors errors, ObjectMapper json,
			RpcResultCache cache) {
		ServletRegistrationBean<RpcServlet> registration = new ServletRegistrationBean<>(
				new RpcServlet(authenticator, parser, planner, executor, catalogs, errors, json, cache), "/rpc/*");
		registration.setLoadOnStartup(1);
		return registration;
	}

	@Bean
	FilterRegistrationBean<CorsFilter> apiCors() {
		CorsConfiguration cors = new CorsConfiguration();
		cors.setAllowedOrigins(List.of("*"));
		cors.setAllowedMethods(List.of("GET", "POST", "PATCH", "PUT", "DELETE", "OPTIONS", "HEAD"));
		cors.setAllowedHeaders(List.of("*"));
		cors.setExposedHeaders(List.of("Content-Encoding", "Content-Location", "Content-Range", "Content-Type", "Date",
				"Location", "Server", "Transfer-Encoding", "Range-Unit", "ETag"));
		cors.setMaxAge(86400L);
		// one configuration for every path the filter is mapped to (the API's), without a per-request path match
		CorsConfigurationSource source = request -> cors;
		FilterRegistrationBean<CorsFilter> registration = new FilterRegistrationBean<>(new CorsFilter(source));
		registration.addUrlPatterns(PATHS);
		return registration;
	}

	@Bean
	FilterRegistrationBean<ResponseCompressionFilter> apiResponseCompression(ApiProperties properties) {
		FilterRegistrationBean<ResponseCompressionFilter> registration = new FilterRegistrationBean<>(
				new ResponseCompressionFilter(properties.compression()));
		registration.addUrlPatterns(PATHS);
		// outside CORS, so that preflight answers carry Vary: Accept-Encoding like the others
		registration.setOrder(Ordered.LOWEST_PRECEDENCE - 1);
		return registration;
	}

}
