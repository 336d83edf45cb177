package network.manifest.metrics;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class MetricsGatewayApplication {

	public static void main(String[] args) {
		SpringApplication.run(MetricsGatewayApplication.class, args);
	}

}
