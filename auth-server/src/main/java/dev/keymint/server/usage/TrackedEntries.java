package dev.keymint.server.usage;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * The distinct scopes, or addresses, one key hour tracks one by one, at most {@code cap}: kept for
 * two hours for every key in use, and most key hours see one or two, so up to {@value #FEW} sit in
 * an array just as long as needed (24 bytes for one, where a HashSet takes about 180) and only more
 * go to a HashSet (a key's 100 scopes found by hash, not by a scan). Entries are interned when
 * admitted: the same scopes and addresses recur across keys, and each request brings its own copy.
 * Not thread-safe.
 */
final class TrackedEntries {

    /** Entries held in the array; past this a HashSet finds them. */
    static final int FEW = 8;
    private static final String[] NONE = new String[0];

    private final int cap;
    /** The first entries in order, while there are at most {@value #FEW}; null after. */
    private String[] few = NONE;
    /** Every entry once there are more than {@value #FEW}; null before. */
    private Set<String> many;

    TrackedEntries(int cap) {
        this.cap = cap;
    }

    /** Whether the entry is tracked: it was before, or it is now as the cap leaves room for it. */
    boolean admits(String entry) {
        if (many != null) {
            return many.contains(entry) || (many.size() < cap && many.add(entry));
        }
        for (String held : few) {
            if (held.equals(entry)) {
                return true;
            }
        }
        if (few.length >= cap) {
            return false;
        }
        if (few.length < FEW) {
            few = Arrays.copyOf(few, few.length + 1);
            few[few.length - 1] = entry.intern();
        } else {
            many = new HashSet<>(Arrays.asList(few));
            many.add(entry.intern());
            few = null;
        }
        return true;
    }
}
