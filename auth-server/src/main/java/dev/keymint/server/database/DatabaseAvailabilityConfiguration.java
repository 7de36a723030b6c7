package dev.keymint.server.database;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The database breaker ({@link DatabaseAvailability}) in front of the pool, and the {@code database}
 * health indicator that the readiness group includes (see docs/operations.md, "Readiness").
 */
@Configuration(proxyBeanMethods = false)
class DatabaseAvailabilityConfiguration {

    @Bean
    DatabaseAvailability databaseAvailability(DirectConnections connections,
                                              @Value("${spring.datasource.hikari.connection-timeout}") int timeoutMillis,
                                              Clock clock) {
        return new DatabaseAvailability(connections, timeoutMillis, clock);
    }

    /** For the probe and the key-change listener: connections that neither wait for the pool nor hold one of it. */
    @Bean
    DirectConnections directConnections(JdbcConnectionDetails details) {
        return new DirectConnections(details);
    }

    @Bean
    MeterBinder databaseAvailabilityMetrics(DatabaseAvailability availability) {
        return registry -> Gauge.builder("keymint.database.reachable", availability, a -> a.outage().isEmpty() ? 1 : 0)
                .description("0 while PostgreSQL is known to be unreachable and requests that need it are refused at once, else 1")
                .register(registry);
    }

    /** Every user of the data source (token path, admin API, flushes, Flyway) goes through the breaker. */
    @Bean
    static BeanPostProcessor failFastDataSource(ObjectProvider<DatabaseAvailability> availability) {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String beanName) {
                return bean instanceof DataSource pool && !(bean instanceof FailFastDataSource)
                        ? new FailFastDataSource(pool, availability.getObject())
                        : bean;
            }
        };
    }

    /** From what the breaker knows, without I/O: a health check must not wait for a connection either. */
    @Bean
    HealthIndicator databaseHealthIndicator(DatabaseAvailability availability) {
        return () -> availability.outage()
                .map(outage -> Health.down().withDetail("unreachable_since", outage.since().toString())
                        .withDetail("error", outage.reason()).build())
                .orElseGet(() -> Health.up().build());
    }
}
