package dev.keymint.server.keys;

import dev.keymint.server.batching.PendingWrites;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Remembers when each key was last used and writes those times in batches, so that the token
 * path does no database write, and usage reports write each key's time once per flush interval. At most one flush interval of last-used times is lost if the
 * process is killed; a graceful shutdown flushes.
 */
@Component
public class LastUsedRecorder implements SchedulingConfigurer {

    private static final Logger log = LoggerFactory.getLogger(LastUsedRecorder.class);

    private final JdbcApiKeyRepository keys;
    private final Duration flushInterval;
    private final PendingWrites<String, Instant> pending = new PendingWrites<>((a, b) -> a.isAfter(b) ? a : b);

    public LastUsedRecorder(JdbcApiKeyRepository keys, KeysProperties properties) {
        this.keys = keys;
        this.flushInterval = properties.lastUsedFlushInterval();
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar tasks) {
        tasks.addFixedDelayTask(this::flush, flushInterval);
    }

    /** Called on the token path: a map write, no I/O. */
    public void used(String keyId, Instant at) {
        pending.add(keyId, at);
    }

    @PreDestroy
    public void flush() {
        Map<String, Instant> batch = pending.takeBatch();
        if (batch.isEmpty()) {
            return;
        }
        try {
            keys.recordLastUsed(batch);
        } catch (DataAccessException e) {
            pending.putBack(batch);
            log.warn("Could not record last-used times for {} keys; will retry: {}", batch.size(), e.getMessage());
        }
    }

    /**
     * Remembers last-used times once the caller's transaction commits (at once when there is none),
     * for the next flush; nothing when it rolls back. Why not written in the transaction: a usage
     * report names many keys, and updating each one's row per report costs PostgreSQL an update per
     * key, on the table the token path reads; merged here, reports of the same keys cost one update
     * per key and flush interval, as tokens do.
     */
    public void usedAfterCommit(Map<String, Instant> lastUsedById) {
        if (lastUsedById.isEmpty()) {
            return;
        }
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            lastUsedById.forEach(this::used);
            return;
        }
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                lastUsedById.forEach(LastUsedRecorder.this::used);
            }
        });
    }
}
