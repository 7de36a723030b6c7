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

/**
 * Remembers when each key was last used and writes those times in batches, so that the token
 * path does no database write. At most one flush interval of last-used times is lost if the
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
     * Writes last-used times now, in the caller's transaction (a usage report is booked whole or not
     * at all); never moves a time backwards.
     */
    public void write(Map<String, Instant> lastUsedById) {
        keys.recordLastUsed(lastUsedById);
    }
}
