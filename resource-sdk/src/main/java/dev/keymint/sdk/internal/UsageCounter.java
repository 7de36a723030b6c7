package dev.keymint.sdk.internal;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The request-path half of usage reporting: counts per key ({@code client_id}) and outcome, in
 * memory, without locks. Not API.
 *
 * <p>Counts go to the current {@link Window}. {@link #take()} (the reporter's thread) swaps in a
 * fresh window and waits until no request thread is still writing to the old one, then reads it:
 * every count lands in exactly one window, so nothing is lost or counted twice. A request thread
 * announces itself in the window's count of writers (up on entering, down on leaving) instead of a lock; it
 * re-reads the current window after entering, so a swap that happened meanwhile sends it to the new
 * one. A window holds at most {@code maxKeys} keys: requests of further keys are not counted per key
 * but in {@link Taken#uncountedRequests()}, which the reporter logs.
 */
public final class UsageCounter {

    /** One key's counts in one window. */
    private static final class Cell {
        final LongAdder allowed = new LongAdder();
        final LongAdder refusedScope = new LongAdder();
        final LongAdder refusedRate = new LongAdder();
        final LongAdder cost = new LongAdder();
        /** Epoch second of the latest request; written only when it moves forward. */
        volatile long lastRequestSecond;

        void touch(long epochSecond) {
            if (epochSecond > lastRequestSecond) {
                lastRequestSecond = epochSecond;
            }
        }
    }

    private static final class Window {
        final Map<String, Cell> cells = new ConcurrentHashMap<>();
        /**
         * Writers inside this window now. One atomic rather than two {@code LongAdder}s (entered,
         * left): a {@code LongAdder}'s sum is no snapshot, so comparing two sums could see a writer
         * leave without seeing it enter and take the window while it still writes (a count lost
         * once in 800,000 under UsageCountingTest).
         */
        final AtomicLong writers = new AtomicLong();
        final LongAdder uncounted = new LongAdder();
    }

    /** What one key did in a window; {@code allowed} may be negative (see {@link #refusedForScope}). */
    public record Counts(long allowed, long refusedScope, long refusedRate, long cost, long lastRequestSecond) {
    }

    /**
     * A window's counts.
     *
     * @param keys               per key
     * @param uncountedRequests  requests of keys beyond {@code maxKeys}
     */
    public record Taken(Map<String, Counts> keys, long uncountedRequests) {
    }

    private final int maxKeys;
    private volatile Window current = new Window();

    /** @param maxKeys most keys counted per window */
    public UsageCounter(int maxKeys) {
        this.maxKeys = maxKeys;
    }

    /** A request of {@code clientId} passed verification and the rate limit. */
    public void allowed(String clientId, long epochSecond) {
        Window w = enter();
        try {
            Cell cell = cell(w, clientId);
            if (cell != null) {
                cell.allowed.increment();
                cell.touch(epochSecond);
            }
        } finally {
            w.writers.decrementAndGet();
        }
    }

    /** A request of {@code clientId} was refused for its key's API rate limit. */
    public void refusedRate(String clientId, long epochSecond) {
        Window w = enter();
        try {
            Cell cell = cell(w, clientId);
            if (cell != null) {
                cell.refusedRate.increment();
                cell.touch(epochSecond);
            }
        } finally {
            w.writers.decrementAndGet();
        }
    }

    /**
     * A request already counted as allowed was then refused for scope: moves it from allowed to
     * refused for scope. When the window that counted it was taken meanwhile, the current window gets
     * allowed −1; the reporter carries that into the key's next positive count.
     */
    public void refusedForScope(String clientId) {
        Window w = enter();
        try {
            Cell cell = cell(w, clientId);
            if (cell != null) {
                cell.allowed.decrement();
                cell.refusedScope.increment();
            }
        } finally {
            w.writers.decrementAndGet();
        }
    }

    /** Adds application-defined cost units to {@code clientId}. */
    public void cost(String clientId, long units) {
        Window w = enter();
        try {
            Cell cell = cell(w, clientId);
            if (cell != null) {
                cell.cost.add(units);
            }
        } finally {
            w.writers.decrementAndGet();
        }
    }

    /**
     * Swaps in an empty window and returns what the old one counted. Call from one thread only.
     *
     * @return the counts since the previous call
     */
    public Taken take() {
        Window old = current;
        current = new Window();
        // Writers that entered the old window before the swap finish within nanoseconds.
        while (old.writers.get() != 0) {
            Thread.onSpinWait();
        }
        Map<String, Counts> keys = new HashMap<>(old.cells.size() * 4 / 3 + 1);
        old.cells.forEach((clientId, c) -> keys.put(clientId, new Counts(c.allowed.sum(), c.refusedScope.sum(),
                c.refusedRate.sum(), c.cost.sum(), c.lastRequestSecond)));
        return new Taken(keys, old.uncounted.sum());
    }

    private Window enter() {
        while (true) {
            Window w = current;
            w.writers.incrementAndGet();
            if (w == current) {
                return w;
            }
            w.writers.decrementAndGet(); // swapped meanwhile: the reporter may already be reading w
        }
    }

    private Cell cell(Window w, String clientId) {
        Cell cell = w.cells.get(clientId);
        if (cell == null) {
            if (w.cells.size() >= maxKeys) {
                w.uncounted.increment();
                return null;
            }
            cell = w.cells.computeIfAbsent(clientId, k -> new Cell());
        }
        return cell;
    }
}
