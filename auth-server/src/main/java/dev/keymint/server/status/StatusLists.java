package dev.keymint.server.status;

import dev.keymint.server.keys.cache.KeyCacheProperties;
import dev.keymint.server.keys.cache.KeyChangeFollower;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.transaction.TransactionException;

/**
 * Every status list, in memory, packed as served (2 bits per entry, least significant bits first).
 *
 * <p>Kept right the way {@code ApiKeyCache} is: {@code KeyChangeListener} hands it every key change
 * it hears of and it re-reads those keys' statuses before the listener confirms, so once an admin
 * call has returned every instance serves the changed entry; on (re)connecting it rebuilds from the
 * database. No write marks a key expired: every {@code keymint.status.expiry-check-interval} the lists re-read the active keys whose
 * {@code expires_at} has passed since the last look (an index range scan). Memory answers only
 * within the listener's lease; otherwise (database unreachable, listener reconnecting, key cache
 * disabled) each request builds its list from PostgreSQL, as if nothing were held.
 *
 * <p>Reads from the database and the changes they make are applied under one lock, in the order
 * they were read, so a later read always wins. Thread-safe.
 *
 * <p>The rebuild is the one step of start-up that grows with the number of keys (a scan of
 * {@code api_keys}: a few hundred milliseconds at a million keys), so it is not one the first token
 * waits for: it runs on the listener's own thread, which starts just before the web server and
 * rebuilds once it has connected, while the web server starts and takes requests. Nothing is lost by
 * not waiting: until the rebuild is done and the listener has confirmed,
 * neither this class nor the key cache answers from memory, so each list request builds its list from
 * PostgreSQL and each token request reads its key there, both exactly right; a change committed during
 * the rebuild is announced on the listener's connection and applied before that confirmation
 * ({@code StatusListRebuildAtStartTest}).
 */
public final class StatusLists implements KeyChangeFollower, SchedulingConfigurer {

    static final int VALID = 0;
    static final int INVALID = 1;
    static final int SUSPENDED = 2;
    private static final int BYTES_PER_LIST = StatusListIndex.SIZE * StatusListIndex.BITS / 8;
    private static final Logger log = LoggerFactory.getLogger(StatusLists.class);

    private final JdbcStatusRepository repository;
    private final long leaseNanos;
    private final Duration expiryCheckInterval;
    private final Object lock = new Object();
    /** Bumped by every change to any list, so a version names one content of one list for good. */
    private final AtomicLong versions = new AtomicLong();
    private final List<byte[]> lists = new ArrayList<>();
    private final List<Long> listVersions = new ArrayList<>();
    private boolean built;
    private Instant sweptThrough;
    /** As {@link #sweptThrough}, for budget resets, on the application's clock. */
    private Instant budgetSweptThrough;
    private volatile boolean confirmed;
    private volatile long confirmedUntilNanos;

    StatusLists(JdbcStatusRepository repository, KeyCacheProperties keyCache, StatusListProperties properties) {
        this.repository = repository;
        this.leaseNanos = keyCache.lease().toNanos();
        this.expiryCheckInterval = properties.expiryCheckInterval();
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar tasks) {
        tasks.addFixedDelayTask(this::markExpired, expiryCheckInterval);
    }

    /**
     * One list's packed entries as of {@code version} (negative: read from the database, not held);
     * {@code packed} is null when the caller already holds this version.
     */
    record Snapshot(long listId, byte[] packed, long version) {
    }

    /**
     * The list with this 1-based id, or empty when no status index in it has been given out.
     *
     * @param heldVersion the version the caller holds (its entries are not copied again), or -1
     * @throws DataAccessException or {@link TransactionException} when memory may not answer and the
     *                             database cannot
     */
    Optional<Snapshot> list(long listId, long heldVersion) {
        if (listId < 1 || listId > Long.MAX_VALUE / StatusListIndex.SIZE) {
            return Optional.empty();
        }
        if (answeringFromMemory()) {
            synchronized (lock) {
                if (built) {
                    return fromMemory(listId, heldVersion);
                }
            }
        }
        return fromDatabase(listId);
    }

    /** Under the lock. */
    private Optional<Snapshot> fromMemory(long listId, long heldVersion) {
        if (listId == lists.size() + 1L) {
            // Creating a key is not announced, so the list its index opened may not be known here yet
            // (the once-a-second look finds it too). Only the next list: indexes are given out in order.
            ensureIndex(repository.highestIndex());
        }
        if (listId > lists.size()) {
            return Optional.empty();
        }
        int position = (int) (listId - 1);
        long version = listVersions.get(position);
        return Optional.of(new Snapshot(listId, version == heldVersion ? null : lists.get(position).clone(), version));
    }

    /** The ids of every list that exists now. */
    public long listCount() {
        long highest = answeringFromMemory() ? knownHighestIndex() : repository.highestIndex();
        return highest < 0 ? 0 : StatusListIndex.listId(highest);
    }

    private long knownHighestIndex() {
        synchronized (lock) {
            return built ? (long) lists.size() * StatusListIndex.SIZE - 1 : repository.highestIndex();
        }
    }

    private Optional<Snapshot> fromDatabase(long listId) {
        byte[] packed = new byte[BYTES_PER_LIST];
        long first = (listId - 1) * StatusListIndex.SIZE;
        JdbcStatusRepository.Read read = repository.readNonValid(first, first + StatusListIndex.SIZE,
                (index, status) -> set(packed, StatusListIndex.idx(index), status));
        if (read.highestIndex() < first) {
            return Optional.empty();
        }
        return Optional.of(new Snapshot(listId, packed, -1));
    }

    /** Whether requests are answered from memory now: built, confirmed, and within the lease. */
    public boolean answeringFromMemory() {
        return confirmed && System.nanoTime() - confirmedUntilNanos < 0;
    }

    @Override
    public void keysChanged(Set<String> keyIds) {
        synchronized (lock) {
            if (!built) {
                rebuild();
                return;
            }
            JdbcStatusRepository.Read read = repository.readKeys(keyIds, this::put);
            ensureIndex(read.highestIndex());
        }
    }

    @Override
    public void allKeysChanged() {
        synchronized (lock) {
            rebuild();
        }
    }

    @Override
    public void confirmed(long sentAtNanos) {
        confirmedUntilNanos = sentAtNanos + leaseNanos;
        confirmed = true;
    }

    @Override
    public void unconfirmed() {
        confirmed = false;
    }

    /**
     * Marks keys whose expiry has passed, and re-reads keys whose spent budget has reset, since the
     * last look; a failure is retried at the next.
     */
    public void markExpired() {
        synchronized (lock) {
            if (!built) {
                return;
            }
            try {
                JdbcStatusRepository.Read read = repository.readExpiredSince(sweptThrough, budgetSweptThrough, this::put);
                sweptThrough = read.databaseNow();
                budgetSweptThrough = read.budgetNow();
                ensureIndex(read.highestIndex());
            } catch (DataAccessException | TransactionException e) {
                log.debug("Could not look for newly expired keys: {}", e.getMessage());
            }
        }
    }

    private void rebuild() {
        long started = System.nanoTime();
        built = false;
        lists.clear();
        listVersions.clear();
        long[] notValid = new long[1];
        JdbcStatusRepository.Read read = repository.readNonValid(0, Long.MAX_VALUE, (index, status) -> {
            put(index, status);
            notValid[0]++;
        });
        ensureIndex(read.highestIndex());
        sweptThrough = read.databaseNow();
        budgetSweptThrough = read.budgetNow();
        built = true;
        log.info("Status lists rebuilt from the database: {} list(s), {} entries not VALID, in {} ms", lists.size(),
                notValid[0], (System.nanoTime() - started) / 1_000_000);
    }

    /** Under the lock. */
    private void put(long statusIndex, int status) {
        ensureIndex(statusIndex);
        int position = (int) (StatusListIndex.listId(statusIndex) - 1);
        byte[] packed = lists.get(position);
        if (set(packed, StatusListIndex.idx(statusIndex), status)) {
            listVersions.set(position, versions.incrementAndGet());
        }
    }

    /** Under the lock: makes the lists reach this index (all new entries VALID). */
    private void ensureIndex(long statusIndex) {
        while (statusIndex >= 0 && (long) lists.size() * StatusListIndex.SIZE <= statusIndex) {
            lists.add(new byte[BYTES_PER_LIST]);
            listVersions.add(versions.incrementAndGet());
        }
    }

    /** Sets entry {@code idx}; returns whether it changed. */
    static boolean set(byte[] packed, int idx, int status) {
        int bit = idx * StatusListIndex.BITS;
        int shift = bit % 8;
        int before = packed[bit / 8] & 0xff;
        int after = (before & ~(0b11 << shift)) | (status << shift);
        packed[bit / 8] = (byte) after;
        return before != after;
    }

    /** The entry {@code idx} of a packed list. */
    static int get(byte[] packed, int idx) {
        int bit = idx * StatusListIndex.BITS;
        return (packed[bit / 8] >> (bit % 8)) & 0b11;
    }

    @Override
    public String toString() {
        synchronized (lock) {
            return "StatusLists[lists=" + lists.size() + ", built=" + built + ", answering=" + answeringFromMemory()
                    + "]";
        }
    }
}
