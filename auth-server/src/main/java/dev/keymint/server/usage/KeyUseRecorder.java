package dev.keymint.server.usage;

import dev.keymint.server.batching.PendingWrites;
import dev.keymint.server.keys.ApiKey;
import dev.keymint.server.keys.RecentKeyUse;
import jakarta.annotation.PreDestroy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;

/**
 * Remembers, per key and hour, which scopes the issued tokens carried, which client addresses
 * obtained them and how many were issued in each minute, and adds that to the {@code key_*_hourly}
 * tables in one transaction per flush: what an edit that narrows a key warns about
 * ({@code KeyAdministration}). The token path does a map update and no I/O.
 *
 * <p>Bounded: per key and hour an instance tracks at most {@value #MAX_TRACKED} distinct scopes
 * (a key holds at most 100, so only down-scoped requests can reach the cap) and
 * {@value #MAX_TRACKED} distinct addresses; tokens past either cap are counted as untracked, which
 * the warnings then mention instead of naming the scope or address. What an hour tracks is
 * remembered across flushes for the current and the previous hour. Thread-safe.
 */
@Component
public class KeyUseRecorder implements RecentKeyUse.Source, SchedulingConfigurer {

    static final int MAX_TRACKED = 100;
    private static final Logger log = LoggerFactory.getLogger(KeyUseRecorder.class);

    private final JdbcKeyUseRepository repository;
    private final Clock clock;
    private final Duration flushInterval;
    private final PendingWrites<Hour, Use> pending = new PendingWrites<>(Use::absorb);
    /** What each key hour tracks one by one, across flushes: what makes the caps hold per hour. */
    private final ConcurrentHashMap<Hour, Tracked> tracked = new ConcurrentHashMap<>();
    private Instant cleanedHour = Instant.EPOCH;
    /** The hour of the last token issued: the key hours of that hour share it (24 bytes each otherwise, for every key in use). */
    private volatile Instant lastHour = Instant.EPOCH;

    public KeyUseRecorder(JdbcKeyUseRepository repository, UsageProperties properties, Clock clock) {
        this.repository = repository;
        this.flushInterval = properties.flushInterval();
        this.clock = clock;
    }

    /** Flushes with the usage counts' interval ({@code keymint.usage.flush-interval}). */
    @Override
    public void configureTasks(ScheduledTaskRegistrar tasks) {
        tasks.addFixedDelayTask(this::flush, flushInterval);
    }

    /** Called on the token path for each issued token: two map updates, no I/O. */
    public void issued(long organizationId, String keyId, Collection<String> scopes, String clientAddress,
                       Instant at) {
        Hour hour = new Hour(organizationId, keyId, hourOf(at));
        int minute = (int) ChronoUnit.MINUTES.between(hour.hour(), at);
        Tracked seen = tracked.computeIfAbsent(hour, h -> new Tracked());
        pending.update(hour, Use::new, use -> use.add(scopes, clientAddress, minute, seen));
    }

    private Instant hourOf(Instant at) {
        Instant hour = at.truncatedTo(ChronoUnit.HOURS);
        Instant last = lastHour;
        if (hour.equals(last)) {
            return last;
        }
        lastHour = hour;
        return hour;
    }

    @PreDestroy
    public synchronized void flush() {
        Map<Hour, Use> batch = pending.takeBatch();
        try {
            if (!batch.isEmpty()) {
                repository.add(batch);
            }
            Instant hour = clock.instant().truncatedTo(ChronoUnit.HOURS);
            if (!hour.equals(cleanedHour)) { // once an hour: only whole hours age out
                Instant previousHour = hour.minus(Duration.ofHours(1));
                tracked.keySet().removeIf(h -> h.hour().isBefore(previousHour));
                repository.deleteBefore(hour.minus(JdbcKeyUseRepository.KEPT));
                cleanedHour = hour;
            }
        } catch (DataAccessException e) {
            pending.putBack(batch);
            log.warn("Could not record key use for {} key hours; will retry: {}", batch.size(), e.getMessage());
        }
    }

    /**
     * Writes this instance's gathering first; other instances' arrive within their flush interval
     * ({@code keymint.usage.flush-interval}).
     */
    @Override
    public RecentKeyUse since(ApiKey key, Instant since) {
        flush();
        return repository.since(key.organizationId(), key.id(), since.truncatedTo(ChronoUnit.HOURS));
    }

    /** A key's hour: one row of {@code key_usage_detail_hourly}. */
    record Hour(long organizationId, String keyId, Instant hour) {
    }

    /**
     * The scopes and addresses a key hour tracks one by one, at most {@value #MAX_TRACKED} each;
     * changed only under {@link PendingWrites#update}'s lock for that key hour.
     */
    static final class Tracked {

        final TrackedEntries scopes = new TrackedEntries(MAX_TRACKED);
        final TrackedEntries addresses = new TrackedEntries(MAX_TRACKED);
    }

    /** What one hour of a key gathered since the last flush; changed only under {@link PendingWrites#update}'s lock. */
    static final class Use {

        // Sized for the usual one entry each (a table of 2, not 16): there is one Use per key used since the last flush.
        final Map<String, Long> tokensByScope = new HashMap<>(2);
        final Map<String, Long> tokensByAddress = new HashMap<>(2);
        final MinuteCounts tokensPerMinute = new MinuteCounts();
        long untrackedScopeTokens;
        long untrackedAddressTokens;

        void add(Collection<String> scopes, String address, int minute, Tracked seen) {
            tokensPerMinute.add(minute, 1);
            boolean untracked = false;
            for (String scope : scopes) {
                if (seen.scopes.admits(scope)) {
                    tokensByScope.merge(scope, 1L, Long::sum);
                } else {
                    untracked = true;
                }
            }
            if (untracked) {
                untrackedScopeTokens++;
            }
            if (address != null && seen.addresses.admits(address)) {
                tokensByAddress.merge(address, 1L, Long::sum);
            } else {
                untrackedAddressTokens++;
            }
        }

        /** Adds another gathering of the same hour (a batch put back after a failed write): its entries were admitted. */
        Use absorb(Use other) {
            other.tokensByScope.forEach((scope, n) -> tokensByScope.merge(scope, n, Long::sum));
            other.tokensByAddress.forEach((address, n) -> tokensByAddress.merge(address, n, Long::sum));
            tokensPerMinute.addAll(other.tokensPerMinute);
            untrackedScopeTokens += other.untrackedScopeTokens;
            untrackedAddressTokens += other.untrackedAddressTokens;
            return this;
        }
    }
}
