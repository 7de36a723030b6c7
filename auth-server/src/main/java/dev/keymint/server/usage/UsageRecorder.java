package dev.keymint.server.usage;

import jakarta.annotation.PreDestroy;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
    private final ConcurrentHashMap<Bucket, Long> pending = new ConcurrentHashMap<>();

    public UsageRecorder(JdbcUsageRepository usage) {
        this.usage = usage;
    }

    /** Called on the token path: one map update, no I/O. */
    public void record(long organizationId, String keyId, UsageOutcome outcome, Instant at) {
        pending.merge(new Bucket(organizationId, keyId, at.truncatedTo(ChronoUnit.HOURS), outcome), 1L, Long::sum);
    }

    @Scheduled(fixedDelayString = "${keymint.usage.flush-interval:5s}")
    @PreDestroy
    public void flush() {
        if (pending.isEmpty()) {
            return;
        }
        Map<Bucket, Long> batch = new HashMap<>();
        for (Bucket bucket : pending.keySet()) {
            Long count = pending.remove(bucket);
            if (count != null) {
                batch.put(bucket, count);
            }
        }
        try {
            usage.add(batch);
        } catch (DataAccessException e) {
            batch.forEach((bucket, count) -> pending.merge(bucket, count, Long::sum));
            log.warn("Could not record usage for {} buckets; will retry: {}", batch.size(), e.getMessage());
        }
    }

    /** One row of {@code usage_hourly}. */
    public record Bucket(long organizationId, String keyId, Instant hour, UsageOutcome outcome) {
    }
}
