package dev.keymint.server.usage;

import dev.keymint.server.batching.PendingWrites;
import jakarta.annotation.PreDestroy;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Counts token-endpoint outcomes per key and hour in memory and adds them to {@code usage_hourly}
 * in one statement per flush, so the token path does no database write. A graceful shutdown
 * flushes; a killed process loses at most one flush interval of counts. Thread-safe.
 */
@Component
public class UsageRecorder {

    private static final Logger log = LoggerFactory.getLogger(UsageRecorder.class);

    private final JdbcUsageRepository usage;
    private final PendingWrites<Bucket, Long> pending = new PendingWrites<>(Long::sum);

    public UsageRecorder(JdbcUsageRepository usage) {
        this.usage = usage;
    }

    /** Called on the token path: one map update, no I/O. */
    public void record(long organizationId, String keyId, UsageOutcome outcome, Instant at) {
        pending.add(new Bucket(organizationId, keyId, at.truncatedTo(ChronoUnit.HOURS), outcome), 1L);
    }

    @Scheduled(fixedDelayString = "${keymint.usage.flush-interval:5s}")
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
