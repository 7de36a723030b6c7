package dev.keymint.sdk.internal;

import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Per-key API request limits over a rolling 60-second window, in this process. Not API.
 *
 * <p>Each key has 60 one-second buckets and their running total: a request is admitted when fewer
 * than {@code limit} requests were admitted in the current second and the 59 before it. Requests of
 * one key are serialised on that key's buckets (a short critical section, no allocation); requests
 * of different keys never contend. Memory: one small entry per key that carries a limit, at most
 * {@code maxKeys}; entries idle for a whole window are removed when the table is full. A key that
 * finds the table full of active keys is admitted without a limit and counted ({@link #unlimitedForLackOfSpace()}):
 * failing open, because every such key holds a token Keymint signed.
 */
public final class RateLimiter {

    private static final int WINDOW_SECONDS = 60;

    private final Map<String, Buckets> keys = new ConcurrentHashMap<>();
    private final int maxKeys;
    private final AtomicLong lastSweepSecond = new AtomicLong(Long.MIN_VALUE);
    private final LongAdder unlimitedForLackOfSpace = new LongAdder();

    /** @param maxKeys most keys tracked at once */
    public RateLimiter(int maxKeys) {
        this.maxKeys = maxKeys;
    }

    /**
     * Admits one request of {@code clientId} or not.
     *
     * @param clientId    the key
     * @param limit       its requests per minute (1 or more)
     * @param epochSecond the current time
     * @return 0 when admitted, else the seconds until a request would be admitted (1..60)
     */
    public int acquire(String clientId, int limit, long epochSecond) {
        while (true) {
            Buckets buckets = keys.get(clientId);
            if (buckets == null) {
                if (keys.size() >= maxKeys && !sweep(epochSecond)) {
                    unlimitedForLackOfSpace.increment();
                    return 0;
                }
                buckets = keys.computeIfAbsent(clientId, k -> new Buckets());
            }
            int result = buckets.acquire(limit, epochSecond);
            if (result >= 0) {
                return result;
            }
            keys.remove(clientId, buckets); // removed by a sweep meanwhile: use a fresh entry
        }
    }

    /** @return how many requests were admitted without a limit because {@code maxKeys} keys were active */
    long unlimitedForLackOfSpace() {
        return unlimitedForLackOfSpace.sum();
    }

    /** @return keys tracked */
    int size() {
        return keys.size();
    }

    /** Removes entries idle for a whole window, at most once a second. @return whether there is room now */
    private boolean sweep(long epochSecond) {
        long last = lastSweepSecond.get();
        if (last != epochSecond && lastSweepSecond.compareAndSet(last, epochSecond)) {
            for (Iterator<Buckets> it = keys.values().iterator(); it.hasNext(); ) {
                if (it.next().retireIfIdle(epochSecond)) {
                    it.remove();
                }
            }
        }
        return keys.size() < maxKeys;
    }

    /** One key's window. Guarded by its own monitor. */
    private static final class Buckets {
        private final int[] counts = new int[WINDOW_SECONDS];
        private long newestSecond = Long.MIN_VALUE;
        private long total;
        private boolean retired;

        /** @return 0 admitted, seconds to wait, or -1 when this entry was retired by a sweep */
        synchronized int acquire(int limit, long now) {
            if (retired) {
                return -1;
            }
            advance(now);
            now = Math.max(now, newestSecond); // a clock that stepped back counts in the newest second
            if (total >= limit) {
                return secondsUntilOldestLeaves(now);
            }
            counts[(int) Math.floorMod(now, WINDOW_SECONDS)]++;
            total++;
            return 0;
        }

        synchronized boolean retireIfIdle(long now) {
            advance(now);
            retired = total == 0;
            return retired;
        }

        /** Drops the buckets of seconds that left the window. */
        private void advance(long now) {
            if (now <= newestSecond) {
                return;
            }
            if (newestSecond == Long.MIN_VALUE || now - newestSecond >= WINDOW_SECONDS) {
                Arrays.fill(counts, 0);
                total = 0;
            } else {
                for (long s = newestSecond + 1; s <= now; s++) {
                    int i = (int) Math.floorMod(s, WINDOW_SECONDS);
                    total -= counts[i];
                    counts[i] = 0;
                }
            }
            newestSecond = now;
        }

        /** The oldest second with requests leaves the window 60 s after it began. */
        private int secondsUntilOldestLeaves(long now) {
            for (long s = now - WINDOW_SECONDS + 1; s <= now; s++) {
                if (counts[(int) Math.floorMod(s, WINDOW_SECONDS)] > 0) {
                    return (int) Math.max(1, s + WINDOW_SECONDS - now);
                }
            }
            return 1;
        }
    }
}
