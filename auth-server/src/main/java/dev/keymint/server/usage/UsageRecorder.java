package dev.keymint.server.usage;

import dev.keymint.server.batching.PendingWrites;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;

/**
 * Counts token-endpoint outcomes per key and hour in memory and adds them to {@code usage_hourly}
 * in one statement per flush, so the token path does no database write. A graceful shutdown
 * flushes; a killed process loses at most one flush interval of counts. Thread-safe.
 */
@Component
public class UsageRecorder implements SchedulingConfigurer {

    private static final Logger log = LoggerFactory.getLogger(UsageRecorder.class);

    private final JdbcUsageRepository usage;
    private final Duration flushInterval;
    private final PendingWrites<Bucket, Long> pending = new PendingWrites<>(Long::sum);

    public UsageRecorder(JdbcUsageRepository usage, UsageProperties properties) {
        this.usage = usage;
        this.flushInterval = properties.flushInterval();
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar tasks) {
        tasks.addFixedDelayTask(this::flush, flushInterval);
    }

    /** Called on the token path: one map update, no I/O. */
    public void record(long organizationId, String keyId, UsageOutcome outcome, Instant at) {
        pending.add(new Bucket(organizationId, keyId, at.truncatedTo(ChronoUnit.HOURS), outcome), 1L);
    }

    @PreDestroy
    public void flush() {
        Map<Bucket, Long> batch = pending.takeBatch();
        if (batch.isEmpty()) {
            return;
        }
        try {
            usage.add(batch);
        } catch (DataAccessException e) {
            pending.putBack(batch);
            log.warn("Could not record usage for {} buckets; will retry: {}", batch.size(), e.getMessage());
        }
    }

    /** One row of {@code usage_hourly}. */
    public record Bucket(long organizationId, String keyId, Instant hour, UsageOutcome outcome) {
    }
}
