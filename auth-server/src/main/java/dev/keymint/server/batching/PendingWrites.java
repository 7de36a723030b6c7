package dev.keymint.server.batching;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BinaryOperator;

/**
 * Values gathered on the token path (a map merge, no I/O) until a scheduled flush takes them
 * out as one batch to write. A batch that could not be written is put back, merged with what
 * arrived meanwhile, for the next flush. Thread-safe.
 */
public final class PendingWrites<K, V> {

    private final ConcurrentHashMap<K, V> pending = new ConcurrentHashMap<>();
    private final BinaryOperator<V> merge;

    /** @param merge combines two values for one key (later time wins, counts add, …) */
    public PendingWrites(BinaryOperator<V> merge) {
        this.merge = merge;
    }

    public void add(K key, V value) {
        pending.merge(key, value, merge);
    }

    /**
     * Removes and returns everything gathered so far (empty when nothing was). Entries are removed
     * one by one, so a value added concurrently is either in this batch or left for the next one,
     * never lost.
     */
    public Map<K, V> takeBatch() {
        Map<K, V> batch = new HashMap<>();
        for (K key : pending.keySet()) {
            V value = pending.remove(key);
            if (value != null) {
                batch.put(key, value);
            }
        }
        return batch;
    }

    /** Puts back a batch that could not be written. */
    public void putBack(Map<K, V> batch) {
        batch.forEach(this::add);
    }
}
