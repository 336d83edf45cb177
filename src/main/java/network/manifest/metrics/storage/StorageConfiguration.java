package network.manifest.metrics.storage;

import java.util.HashMap;
import java.util.Map;

import javax.sql.DataSource;

import org.springframework.boot.autoconfigure.flyway.FlywayConfigurationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The storage decision as beans, made before Flyway migrates (the migrations depend on it). */
@Configuration(proxyBeanMethods = false)
class StorageConfiguration {

	@Bean
	StorageInfo storageInfo(DataSource dataSource, StorageProperties properties) {
		return new StorageModeDetector(dataSource, properties.mode()).detect();
	}

	@Bean
	StorageMode storageMode(StorageInfo storageInfo) {
		return storageInfo.mode();
	}

	@Bean
	FlywayConfigurationCustomizer storagePlaceholders(StorageInfo storageInfo) {
		return configuration -> {
			Map<String, String> placeholders = new HashMap<>(configuration.getPlaceholders());
			placeholders.putAll(storageInfo.flywayPlaceholders());
			configuration.placeholders(placeholders);
		};
	}

}
