package dev.keymint.server.usage;

import java.util.Arrays;

/**
 * Tokens per minute of one key hour, gathered between flushes: held only from the first minute
 * counted to the last (one or two between flushes seconds apart: 24 bytes, where 60 minutes take
 * 496). Not thread-safe.
 */
final class MinuteCounts {

    private static final long[] NONE = new long[0];

    /** The minute of {@code counts[0]}. */
    private int first;
    private long[] counts = NONE;

    void add(int minute, long tokens) {
        if (counts.length == 0) {
            first = minute;
            counts = new long[1];
        } else if (minute < first) {
            long[] wider = new long[counts.length + first - minute];
            System.arraycopy(counts, 0, wider, first - minute, counts.length);
            counts = wider;
            first = minute;
        } else if (minute >= first + counts.length) {
            counts = Arrays.copyOf(counts, minute - first + 1);
        }
        counts[minute - first] += tokens;
    }

    void addAll(MinuteCounts other) {
        for (int i = 0; i < other.counts.length; i++) {
            add(other.first + i, other.counts[i]);
        }
    }

    /** All 60 minutes of the hour, as {@code key_usage_detail_hourly.tokens_per_minute} holds them. */
    long[] perMinute() {
        long[] hour = new long[60];
        System.arraycopy(counts, 0, hour, first, counts.length);
        return hour;
    }
}
