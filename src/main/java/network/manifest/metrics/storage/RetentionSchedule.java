package network.manifest.metrics.storage;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.FixedDelayTask;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;

/** Runs retention every {@code gateway.retention.interval} unless {@code gateway.retention.enabled=false}. */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
@ConditionalOnProperty(name = "gateway.retention.enabled", havingValue = "true", matchIfMissing = true)
class RetentionSchedule implements SchedulingConfigurer {

	private final RawDataRetention retention;

	private final RetentionProperties properties;

	RetentionSchedule(RawDataRetention retention, RetentionProperties properties) {
		this.retention = retention;
		this.properties = properties;
	}

	@Override
	public void configureTasks(ScheduledTaskRegistrar registrar) {
		registrar.addFixedDelayTask(
				new FixedDelayTask(retention::runScheduled, properties.interval(), properties.initialDelay()));
	}

}
