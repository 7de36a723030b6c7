package dev.keymint.server.limits;

import dev.keymint.server.keys.ApiKey;
import dev.keymint.server.keys.Quota;
import jakarta.annotation.PreDestroy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.dao.DataAccessException;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;

/**
 * Rate limits (token requests in any rolling 60 seconds) and issuance quotas (tokens per
 * calendar period), shared by every instance through {@code limit_counters} without a database
 * write per token.
 *
 * <p>Each instance counts locally and, every {@code keymint.limits.sync-interval}, adds its counts
 * to the shared rows with one upsert and reads back the global totals.
 * A request is admitted when {@code global total at the last sync + local counts since} is below
 * the limit. The first request of a key on an instance (or after two idle minutes) reads the
 * global total synchronously. Instances learn of each other's counts one sync later, so the
 * limit can be exceeded by what the other instances admit within one sync interval: at most
 * {@code (instances - 1) x requests per second per instance x sync interval}, and never more
 * than {@code (instances - 1) x limit} extra. Keys without a limit or quota never reach this class.
 * Thread-safe.
 */
@Component
@ConditionalOnWebApplication
public class KeyLimiter implements SchedulingConfigurer {

    static final int WINDOW_SECONDS = 60;
    private static final Duration IDLE = Duration.ofMinutes(2);
    private static final Logger log = LoggerFactory.getLogger(KeyLimiter.class);

    private final JdbcLimitCounterRepository counters;
    private final Clock clock;
    private final Duration syncInterval;
    private final ConcurrentHashMap<CounterId, Counter> active = new ConcurrentHashMap<>();
    private volatile long lastCleanup;

    public KeyLimiter(JdbcLimitCounterRepository counters, Clock clock, LimitsProperties properties) {
        this.counters = counters;
        this.clock = clock;
        this.syncInterval = properties.syncInterval();
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar tasks) {
        tasks.addFixedDelayTask(this::sync, syncInterval);
    }

    /**
     * Counts one token request against the key's rate limit.
     *
     * @return empty when admitted, else how long to wait
     */
    public Optional<Duration> acquireRequest(ApiKey key) {
        Integer limit = key.rateLimitPerMinute();
        if (limit == null) {
            return Optional.empty();
        }
        long now = clock.instant().getEpochSecond();
        Counter counter = counter(new CounterId(key.id(), Kind.RATE), now);
        synchronized (counter) {
            counter.touched = now;
            long used = counter.global + counter.pendingTotal();
            if (used >= limit) {
                long oldest = counter.oldestBucket > 0 ? counter.oldestBucket : now;
                return Optional.of(Duration.ofSeconds(Math.max(1, oldest + WINDOW_SECONDS - now)));
            }
            counter.pending.merge(now, 1L, Long::sum);
            if (counter.oldestBucket == 0) {
                counter.oldestBucket = now;
            }
            return Optional.empty();
        }
    }

    /**
     * Counts one issued token against the key's quota.
     *
     * @return empty when admitted, else the time until the quota resets
     */
    public Optional<Duration> acquireIssuance(ApiKey key) {
        Quota quota = key.quota();
        if (quota == null) {
            return Optional.empty();
        }
        Instant nowInstant = clock.instant();
        long period = quota.period().start(nowInstant).getEpochSecond();
        Counter counter = counter(new CounterId(key.id(), Kind.QUOTA), period);
        synchronized (counter) {
            counter.touched = nowInstant.getEpochSecond();
            if (counter.bucket != period) { // a new period began since the last sync
                counter.bucket = period;
                counter.global = 0;
            }
            long used = counter.global + counter.pending.getOrDefault(period, 0L);
            if (used >= quota.limit()) {
                return Optional.of(Duration.ofSeconds(Math.max(1,
                        quota.period().end(nowInstant).getEpochSecond() - nowInstant.getEpochSecond())));
            }
            counter.pending.merge(period, 1L, Long::sum);
            return Optional.empty();
        }
    }

    private Counter counter(CounterId id, long bucket) {
        Counter counter = active.get(id);
        if (counter != null) {
            return counter;
        }
        Counter loaded = new Counter(bucket);
        try {
            if (id.kind() == Kind.RATE) {
                JdbcLimitCounterRepository.Total total = counters.rateTotals(List.of(id.keyId()), bucket - WINDOW_SECONDS)
                        .getOrDefault(id.keyId(), new JdbcLimitCounterRepository.Total(0, 0));
                loaded.global = total.count();
                loaded.oldestBucket = total.oldestBucket();
            } else {
                loaded.global = counters.quotaTotals(Map.of(id.keyId(), bucket)).getOrDefault(id.keyId(), 0L);
            }
        } catch (DataAccessException e) {
            log.warn("Could not read limit counters of key {}; counting locally until the next sync: {}",
                    id.keyId(), e.getMessage());
        }
        Counter raced = active.putIfAbsent(id, loaded);
        return raced != null ? raced : loaded;
    }

    /** Adds local counts to the shared rows and reads back the global totals. */
    @PreDestroy
    public void sync() {
        if (active.isEmpty()) {
            return;
        }
        long now = clock.instant().getEpochSecond();
        List<JdbcLimitCounterRepository.Increment> increments = new ArrayList<>();
        Map<CounterId, Map<Long, Long>> taken = new HashMap<>();
        for (Map.Entry<CounterId, Counter> entry : active.entrySet()) {
            Counter counter = entry.getValue();
            synchronized (counter) {
                if (counter.pending.isEmpty() && now - counter.touched > IDLE.toSeconds()) {
                    active.remove(entry.getKey());
                    continue;
                }
                if (!counter.pending.isEmpty()) {
                    taken.put(entry.getKey(), counter.pending);
                    counter.pending.forEach((bucket, count) -> increments.add(new JdbcLimitCounterRepository.Increment(
                            entry.getKey().keyId(), entry.getKey().kind().databaseValue, bucket, count)));
                    // Until the totals are read back, the taken counts stay counted.
                    counter.global += entry.getKey().kind() == Kind.RATE ? counter.pendingTotal()
                            : counter.pending.getOrDefault(counter.bucket, 0L);
                    counter.pending = new HashMap<>();
                }
            }
        }
        try {
            counters.add(increments);
        } catch (DataAccessException e) {
            taken.forEach((id, pending) -> {
                Counter counter = active.computeIfAbsent(id, ignored -> new Counter(0));
                synchronized (counter) {
                    pending.forEach((bucket, count) -> counter.pending.merge(bucket, count, Long::sum));
                }
            });
            log.warn("Could not sync limit counters; counting locally and retrying: {}", e.getMessage());
            return;
        }
        refreshTotals(now);
        if (now - lastCleanup > 30) {
            lastCleanup = now;
            try {
                counters.deleteOlderThan(now - 2L * WINDOW_SECONDS, now - Duration.ofDays(40).toSeconds());
            } catch (DataAccessException e) {
                log.debug("Could not delete old limit counters: {}", e.getMessage());
            }
        }
    }

    private void refreshTotals(long now) {
        List<String> rateKeys = new ArrayList<>();
        Map<String, Long> quotaBuckets = new HashMap<>();
        active.forEach((id, counter) -> {
            if (id.kind() == Kind.RATE) {
                rateKeys.add(id.keyId());
            } else {
                synchronized (counter) {
                    quotaBuckets.put(id.keyId(), counter.bucket);
                }
            }
        });
        try {
            Map<String, JdbcLimitCounterRepository.Total> rates = rateKeys.isEmpty() ? Map.of()
                    : counters.rateTotals(rateKeys, now - WINDOW_SECONDS);
            Map<String, Long> quotas = quotaBuckets.isEmpty() ? Map.of() : counters.quotaTotals(quotaBuckets);
            active.forEach((id, counter) -> {
                synchronized (counter) {
                    if (id.kind() == Kind.RATE) {
                        JdbcLimitCounterRepository.Total total = rates.get(id.keyId());
                        counter.global = total == null ? 0 : total.count();
                        counter.oldestBucket = total == null ? 0 : total.oldestBucket();
                    } else if (quotaBuckets.get(id.keyId()) != null && quotaBuckets.get(id.keyId()) == counter.bucket) {
                        counter.global = quotas.getOrDefault(id.keyId(), 0L);
                    }
                }
            });
        } catch (DataAccessException e) {
            log.warn("Could not read limit counters; keeping the last totals: {}", e.getMessage());
        }
    }

    enum Kind {
        RATE("rate"), QUOTA("quota");

        final String databaseValue;

        Kind(String databaseValue) {
            this.databaseValue = databaseValue;
        }
    }

    private record CounterId(String keyId, Kind kind) {
    }

    /** Guarded by its own monitor. */
    private static final class Counter {
        long global;
        long oldestBucket;
        long bucket;
        long touched;
        Map<Long, Long> pending = new HashMap<>();

        Counter(long bucket) {
            this.bucket = bucket;
        }

        long pendingTotal() {
            long sum = 0;
            for (long count : pending.values()) {
                sum += count;
            }
            return sum;
        }
    }
}
