package network.manifest.metrics.support;

import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Points an application context's data source at a fresh, empty database of its own (migrated by the
 * context's Flyway), for test classes that need exact counts over the whole database.
 */
public class FreshDatabaseInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

	@Override
	public void initialize(ConfigurableApplicationContext context) {
		TestPropertyValues.of(TestDatabase.create().dataSourceProperties()).applyTo(context.getEnvironment());
	}

}
