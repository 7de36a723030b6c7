package dev.keymint.server.keys.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.keymint.server.keys.ApiKey;
import dev.keymint.server.keys.JdbcApiKeyRepository;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The token path's view of {@code api_keys}: rows kept in memory while this instance provably hears
 * of every change to them ({@link KeyChangeListener} confirms, and the lease of its last confirmation
 * has not ended), read from PostgreSQL otherwise. Unknown ids are never remembered; at most
 * {@code maxEntries} keys are, evicted by Caffeine's W-TinyLFU. The protocol: {@code docs/key-cache.md}.
 *
 * <p>Rows are read outside the cache, not in a compute call, so a slow read never blocks the
 * listener's {@link #forget}; a generation count keeps such a read from being remembered after a
 * change it may predate.
 */
public final class ApiKeyCache {

    private final JdbcApiKeyRepository keys;
    private final long leaseNanos;
    private final Cache<String, ApiKey> rows;
    /** Bumped by every forget, so that a row read before a change is not remembered after it. */
    private final AtomicLong changes = new AtomicLong();
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder evictions = new LongAdder();
    private final LongAdder lapses = new LongAdder();
    private final LongAdder interruptions = new LongAdder();
    private final LongAdder unansweredLookups = new LongAdder();
    private volatile boolean confirmed;
    private volatile long confirmedUntilNanos;
    /** When the round trip of the last confirmation was sent; 0 before the first. */
    private volatile long lastConfirmedNanos;

    public ApiKeyCache(JdbcApiKeyRepository keys, KeyCacheProperties properties) {
        this.keys = keys;
        this.leaseNanos = properties.lease().toNanos();
        this.rows = Caffeine.newBuilder()
                .maximumSize(properties.maxEntries())
                // Upkeep (eviction) on a thread that wrote, a few microseconds now and then, not in
                // the shared ForkJoinPool: the bound holds however busy that pool is.
                .executor(Runnable::run)
                .evictionListener((String id, ApiKey key, RemovalCause cause) -> evictions.increment())
                .build();
    }

    /** The key with this id, from memory when that is safe, else from PostgreSQL. */
    public Optional<ApiKey> findById(String id) {
        if (!answeringFromMemory()) {
            misses.increment();
            unansweredLookups.increment();
            return keys.findById(id);
        }
        ApiKey remembered = rows.getIfPresent(id);
        if (remembered != null) {
            hits.increment();
            return Optional.of(remembered);
        }
        misses.increment();
        long changesBeforeRead = changes.get();
        Optional<ApiKey> read = keys.findById(id);
        read.ifPresent(key -> remember(key, changesBeforeRead));
        return read;
    }

    /**
     * The keys with these ids that exist, in no particular order: from memory when that is safe,
     * those not in memory in one read of PostgreSQL (a usage report names many keys at once).
     */
    public List<ApiKey> findAllById(Collection<String> ids) {
        if (!answeringFromMemory()) {
            misses.add(ids.size());
            unansweredLookups.add(ids.size());
            return keys.findAllById(ids, null, null);
        }
        List<ApiKey> found = new ArrayList<>(ids.size());
        List<String> notHeld = new ArrayList<>();
        for (String id : ids) {
            ApiKey remembered = rows.getIfPresent(id);
            if (remembered != null) {
                found.add(remembered);
            } else {
                notHeld.add(id);
            }
        }
        hits.add(found.size());
        if (!notHeld.isEmpty()) {
            misses.add(notHeld.size());
            long changesBeforeRead = changes.get();
            for (ApiKey key : keys.findAllById(notHeld, null, null)) {
                remember(key, changesBeforeRead);
                found.add(key);
            }
        }
        return found;
    }

    private void remember(ApiKey key, long changesBeforeRead) {
        if (changes.get() != changesBeforeRead) {
            return;
        }
        rows.put(key.id(), key);
        if (changes.get() != changesBeforeRead) {
            // A change was applied between the check and the put; the row may predate it.
            rows.asMap().remove(key.id(), key);
        }
    }

    /** Keys held in memory now. */
    public long size() {
        return rows.estimatedSize();
    }

    /** Lookups answered from memory. */
    long hits() {
        return hits.sum();
    }

    /** Lookups that read PostgreSQL: the key was not held (or is unknown), or memory was not answering. */
    long misses() {
        return misses.sum();
    }

    /** Leases that ran out while memory answered (see {@link #lapsed}). */
    long lapses() {
        return lapses.sum();
    }

    /** Listener connections lost while memory answered (see {@link #interrupted}). */
    long interruptions() {
        return interruptions.sum();
    }

    /** Lookups made while memory was not answering (counted among the misses too). */
    long unansweredLookups() {
        return unansweredLookups.sum();
    }

    /** Keys dropped to stay within {@code maxEntries}: a steady rise says the cache is smaller than the keys in use. */
    long evictions() {
        return evictions.sum();
    }

    /** Whether this key's row is in memory (answered from it only within the lease). */
    boolean remembers(String id) {
        return rows.asMap().containsKey(id);
    }

    /** Whether the token path answers from memory now: confirmed, and within the lease. */
    public boolean answeringFromMemory() {
        return confirmed && System.nanoTime() - confirmedUntilNanos < 0;
    }

    /**
     * Seconds since the round trip of the last confirmation was sent, NaN before the first: what an
     * operator alerts on when the listener stops confirming (memory stops answering after the lease).
     */
    double secondsSinceConfirmation() {
        long last = lastConfirmedNanos;
        return last == 0 ? Double.NaN : (System.nanoTime() - last) / 1e9;
    }

    void forget(String id) {
        changes.incrementAndGet();
        rows.invalidate(id);
    }

    void forgetAll() {
        changes.incrementAndGet();
        rows.invalidateAll();
    }

    /**
     * Every change committed before a round trip that was sent at {@code sentAtNanos} has been
     * applied, and the database knows it: memory may answer until the lease counted from then ends.
     */
    void confirmed(long sentAtNanos) {
        confirmedUntilNanos = sentAtNanos + leaseNanos;
        lastConfirmedNanos = sentAtNanos;
        confirmed = true;
    }

    /**
     * Memory is not answering as a confirmation begins: an admin change may have stopped waiting for
     * this instance, so nothing remembered may be trusted. When memory had been confirmed, its lease
     * ran out (a round trip slower than the lease, or the listener not scheduled for that long): that
     * is counted, because every key in use is then read from PostgreSQL again.
     */
    void lapsed() {
        if (confirmed) {
            lapses.increment();
        }
        forgetAll();
    }

    /**
     * The listener's connection failed (or a round trip outlasted its network timeout): as
     * {@link #unconfirmed}, and counted when memory had been confirmed, because every key in use is
     * then read from PostgreSQL again, and until the listener confirms on a new connection every
     * lookup is.
     */
    void interrupted() {
        if (confirmed) {
            interruptions.increment();
        }
        unconfirmed();
    }

    /** Changes may have been missed: answer from the database until confirmed again. */
    void unconfirmed() {
        confirmed = false;
        forgetAll();
    }
}
