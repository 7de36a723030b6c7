package dev.keymint.server.keys;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The token path's view of {@code api_keys}: rows kept in memory while this instance provably
 * hears of every change to them, read from PostgreSQL otherwise.
 *
 * <p>"Provably hears": {@link KeyChangeListener} listens for the changes the database announces
 * and confirms with a round trip, at least every heartbeat, that it has applied all changes
 * committed so far. Memory answers only within the lease after such a confirmation; without one
 * (PostgreSQL unreachable, listener reconnecting) every request reads the database, as if there were
 * no cache. An admin change waits for every instance's confirmation ({@link KeyChangeBarrier}), so
 * disabling, revoking or editing a key still takes effect for the next token on every instance.
 *
 * <p>Why: reading the key was the largest per-token cost besides the signature (one PostgreSQL
 * round trip and its CPU on both sides). Unknown ids are never remembered, so random client ids
 * cannot fill the memory, and at most {@code maxEntries} keys are held.
 */
public final class ApiKeyCache {

    private final JdbcApiKeyRepository keys;
    private final int maxEntries;
    private final long leaseNanos;
    private final ConcurrentHashMap<String, ApiKey> rows = new ConcurrentHashMap<>();
    /** Bumped by every forget, so that a row read before a change is not remembered after it. */
    private final AtomicLong changes = new AtomicLong();
    private volatile boolean confirmed;
    private volatile long confirmedUntilNanos;
    /** When the round trip of the last confirmation was sent; 0 before the first. */
    private volatile long lastConfirmedNanos;

    public ApiKeyCache(JdbcApiKeyRepository keys, KeyCacheProperties properties) {
        this.keys = keys;
        this.maxEntries = properties.maxEntries();
        this.leaseNanos = properties.lease().toNanos();
    }

    /** The key with this id, from memory when that is safe, else from PostgreSQL. */
    public Optional<ApiKey> findById(String id) {
        if (!answeringFromMemory()) {
            return keys.findById(id);
        }
        ApiKey remembered = rows.get(id);
        if (remembered != null) {
            return Optional.of(remembered);
        }
        long changesBeforeRead = changes.get();
        Optional<ApiKey> read = keys.findById(id);
        read.ifPresent(key -> remember(key, changesBeforeRead));
        return read;
    }

    private void remember(ApiKey key, long changesBeforeRead) {
        if (rows.size() >= maxEntries || changes.get() != changesBeforeRead) {
            return;
        }
        rows.put(key.id(), key);
        if (changes.get() != changesBeforeRead) {
            // A change was applied between the check and the put; the row may predate it.
            rows.remove(key.id(), key);
        }
    }

    /** Keys held in memory now. */
    public int size() {
        return rows.size();
    }

    /** Whether this key's row is in memory (answered from it only within the lease). */
    boolean remembers(String id) {
        return rows.containsKey(id);
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
        rows.remove(id);
    }

    void forgetAll() {
        changes.incrementAndGet();
        rows.clear();
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

    /** Changes may have been missed: answer from the database until confirmed again. */
    void unconfirmed() {
        confirmed = false;
        forgetAll();
    }
}
