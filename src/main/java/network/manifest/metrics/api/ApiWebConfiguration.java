package network.manifest.metrics.api;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.CorsRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** CORS like PostgREST's default, and response compression for the API's paths. */
@Configuration(proxyBeanMethods = false)
class ApiWebConfiguration implements WebMvcConfigurer {

	private static final String[] PATHS = { "/", "/openapi.json", "/rpc/*" };

	@Override
	public void addCorsMappings(CorsRegistry registry) {
		for (String path : PATHS) {
			registry.addMapping(path)
				.allowedOrigins("*")
				.allowedMethods("GET", "POST", "PATCH", "PUT", "DELETE", "OPTIONS", "HEAD")
				.allowedHeaders("*")
				.exposedHeaders("Content-Encoding", "Content-Location", "Content-Range", "Content-Type", "Date",
						"Location", "Server", "Transfer-Encoding", "Range-Unit")
				.maxAge(86400);
		}
	}

	@Bean
	FilterRegistrationBean<ResponseCompressionFilter> apiResponseCompression(ApiProperties properties) {
		FilterRegistrationBean<ResponseCompressionFilter> registration = new FilterRegistrationBean<>(
				new ResponseCompressionFilter(properties.compression()));
		registration.addUrlPatterns(PATHS);
		return registration;
	}

}
