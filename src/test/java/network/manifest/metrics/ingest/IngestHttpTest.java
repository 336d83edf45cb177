package network.manifest.metrics.ingest;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.test.context.TestPropertySource;

import network.manifest.metrics.support.GatewayTest;

/**
 * The one application context of the ingest HTTP tests (same annotations = one cached context): metrics
 * exported at /actuator/prometheus, small body limits, one ingest connection with a short wait, and a
 * small main pool that holds no idle connections (the test database server is shared).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@GatewayTest
@AutoConfigureObservability(tracing = false)
@TestPropertySource(properties = { "gateway.ingest.max-compressed-bytes=64KB",
		"gateway.ingest.max-decompressed-bytes=256KB", "gateway.ingest.pool-size=1",
		"gateway.ingest.database-wait=300ms", "gateway.ingest.retry-after=7s",
		"spring.datasource.hikari.maximum-pool-size=4", "spring.datasource.hikari.minimum-idle=0" })
@interface IngestHttpTest {

}
