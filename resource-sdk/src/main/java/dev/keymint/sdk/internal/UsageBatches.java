package dev.keymint.sdk.internal;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The reporter's side of usage counting: totals taken from the {@link UsageCounter}, turned into
 * report batches with fixed ids and bodies. Confined to the reporter's thread. Not API.
 *
 * <p>A sealed batch is never changed: a retry sends the same {@code batch_id} and body, so Keymint
 * can answer a repeat with {@code duplicate: true} and count it once. While batches wait, new counts
 * accumulate in the totals (at most {@code maxKeys} keys; further keys' requests are counted in
 * {@link #takeUncountedRequests()}), and become new batches once the queue is empty.
 */
public final class UsageBatches {

    /** Most entries per batch, as the report endpoint accepts. */
    static final int MAX_ENTRIES = 10_000;
    private static final long MAX_COUNT = 1_000_000_000_000L;
    private static final long MAX_COST = 1_000_000_000_000_000L;

    /** A report body ready to send. */
    public record Batch(String id, String json, int entries) {
    }

    /** allowed, refused_scope, refused_rate, cost, last request second. */
    private final Map<String, long[]> totals = new LinkedHashMap<>();
    /**
     * Allowed requests moved to refused-for-scope after they were reported as allowed (a scope
     * refusal straddling a report): subtracted from the key's next allowed counts, so totals stay
     * exact once the key makes another allowed request.
     */
    private final Map<String, Long> debt = new HashMap<>();
    private final Deque<Batch> queue = new ArrayDeque<>();
    private final int maxKeys;
    private long uncountedRequests;

    /** @param maxKeys most keys held in the totals */
    public UsageBatches(int maxKeys) {
        this.maxKeys = maxKeys;
    }

    /** Adds a window's counts to the totals. */
    public void add(UsageCounter.Taken taken) {
        uncountedRequests += taken.uncountedRequests();
        taken.keys().forEach((clientId, c) -> {
            long[] t = totals.get(clientId);
            if (t == null) {
                if (totals.size() >= maxKeys) {
                    uncountedRequests += Math.max(0, c.allowed()) + c.refusedScope() + c.refusedRate();
                    return;
                }
                t = new long[5];
                totals.put(clientId, t);
            }
            t[0] += c.allowed();
            t[1] += c.refusedScope();
            t[2] += c.refusedRate();
            t[3] += c.cost();
            t[4] = Math.max(t[4], c.lastRequestSecond());
        });
    }

    /** When no batch waits, turns the totals into batches (none when nothing was counted). */
    public void seal() {
        if (!queue.isEmpty() || totals.isEmpty()) {
            return;
        }
        Map<String, long[]> leftover = new LinkedHashMap<>();
        List<String> entries = new ArrayList<>();
        for (Map.Entry<String, long[]> e : totals.entrySet()) {
            String entry = entry(e.getKey(), e.getValue(), leftover);
            if (entry != null) {
                entries.add(entry);
            }
        }
        totals.clear();
        totals.putAll(leftover);
        for (int from = 0; from < entries.size(); from += MAX_ENTRIES) {
            List<String> part = entries.subList(from, Math.min(entries.size(), from + MAX_ENTRIES));
            String id = UUID.randomUUID().toString();
            queue.add(new Batch(id, "{\"batch_id\":\"" + id + "\",\"keys\":[" + String.join(",", part) + "]}", part.size()));
        }
    }

    /** @return the JSON entry of one key, or null when it has nothing to report */
    private String entry(String clientId, long[] t, Map<String, long[]> leftover) {
        long allowed = t[0] + debt.getOrDefault(clientId, 0L);
        if (allowed < 0) {
            if (debt.size() < maxKeys || debt.containsKey(clientId)) {
                debt.put(clientId, allowed);
            }
            allowed = 0;
        } else {
            debt.remove(clientId);
        }
        long[] sent = {Math.min(allowed, MAX_COUNT), Math.min(t[1], MAX_COUNT), Math.min(t[2], MAX_COUNT),
                Math.min(t[3], MAX_COST)};
        if (sent[0] < allowed || sent[1] < t[1] || sent[2] < t[2] || sent[3] < t[3]) {
            // beyond what one entry may carry (never in practice): the rest goes in the next batch
            leftover.put(clientId, new long[] {allowed - sent[0], t[1] - sent[1], t[2] - sent[2], t[3] - sent[3], t[4]});
        }
        if (sent[0] == 0 && sent[1] == 0 && sent[2] == 0 && sent[3] == 0) {
            return null;
        }
        StringBuilder b = new StringBuilder(160).append("{\"client_id\":");
        Json.string(b, clientId);
        b.append(",\"allowed\":").append(sent[0]).append(",\"refused_scope\":").append(sent[1])
                .append(",\"refused_rate\":").append(sent[2]).append(",\"cost\":").append(sent[3]);
        if (t[4] > 0) {
            b.append(",\"last_request_at\":\"").append(Instant.ofEpochSecond(t[4])).append('"');
        }
        return b.append('}').toString();
    }

    /** @return the oldest batch not yet delivered, or null */
    public Batch next() {
        return queue.peek();
    }

    /** The oldest batch was delivered (or dropped for good). */
    public void done() {
        queue.poll();
    }

    /** @return batches waiting */
    int queued() {
        return queue.size();
    }

    /** @return requests that could not be counted per key since the last call (memory bound), and resets it */
    public long takeUncountedRequests() {
        long n = uncountedRequests;
        uncountedRequests = 0;
        return n;
    }

    /** Minimal JSON string writing (the report body has no other strings of outside origin). */
    static final class Json {
        private Json() {
        }

        static void string(StringBuilder b, String s) {
            b.append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '"' -> b.append("\\\"");
                    case '\\' -> b.append("\\\\");
                    default -> {
                        if (c < 0x20 || (c >= 0xd800 && c <= 0xdfff)) {
                            b.append(String.format("\\u%04x", (int) c));
                        } else {
                            b.append(c);
                        }
                    }
                }
            }
            b.append('"');
        }
    }
}
