package dev.keymint.server.batching;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BinaryOperator;
import java.util.function.Consumer;
import java.util.function.Supplier;

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
     * Changes the value gathered for {@code key} in place (made by {@code create} when there is
     * none), under the map's lock for that key: for values too rich to merge anew per call. A value
     * is changed only here and, once taken out by {@link #takeBatch}, by its taker alone.
     */
    public void update(K key, Supplier<V> create, Consumer<V> change) {
        pending.compute(key, (k, value) -> {
            V target = value == null ? create.get() : value;
            change.accept(target);
            return target;
        });
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
