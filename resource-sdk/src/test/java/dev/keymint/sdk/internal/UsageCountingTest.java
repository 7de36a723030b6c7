package dev.keymint.sdk.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The counter's window swap and the batches built from it. */
class UsageCountingTest {

    /** @return allowed, refused_scope, refused_rate, cost per key summed over the batches, and the batches drained */
    private static Map<String, long[]> drain(UsageBatches batches, Map<String, long[]> into) throws Exception {
        batches.seal();
        for (UsageBatches.Batch b = batches.next(); b != null; b = batches.next()) {
            Map<String, Object> json = JSONObjectUtils.parse(b.json());
            assertThat(json.get("batch_id")).isEqualTo(b.id());
            for (Object o : (List<?>) json.get("keys")) {
                Map<?, ?> e = (Map<?, ?>) o;
                long[] t = into.computeIfAbsent((String) e.get("client_id"), k -> new long[4]);
                String[] names = {"allowed", "refused_scope", "refused_rate", "cost"};
                for (int i = 0; i < 4; i++) {
                    long v = ((Number) e.get(names[i])).longValue();
                    assertThat(v).as(names[i] + " is never negative").isNotNegative();
                    t[i] += v;
                }
            }
            batches.done();
            batches.seal();
        }
        return into;
    }

    @Test
    void takeWhileThreadsCountThenEveryCountLandsInExactlyOneWindow() throws Exception {
        UsageCounter counter = new UsageCounter(1000);
        int threads = 4;
        int perThread = 200_000;
        AtomicBoolean done = new AtomicBoolean();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            String key = "key" + (t % 2);
            Thread worker = new Thread(() -> {
                for (int i = 0; i < perThread; i++) {
                    counter.allowed(key, 1_000 + i);
                    counter.cost(key, 3);
                }
            });
            worker.start();
            workers.add(worker);
        }
        long allowed = 0;
        long cost = 0;
        int windows = 0;
        while (!done.get()) {
            done.set(workers.stream().noneMatch(Thread::isAlive));
            UsageCounter.Taken taken = counter.take();
            windows++;
            for (UsageCounter.Counts c : taken.keys().values()) {
                allowed += c.allowed();
                cost += c.cost();
            }
        }
        UsageCounter.Taken last = counter.take();
        for (UsageCounter.Counts c : last.keys().values()) {
            allowed += c.allowed();
            cost += c.cost();
        }
        assertThat(windows).isGreaterThan(1);
        assertThat(allowed).isEqualTo((long) threads * perThread);
        assertThat(cost).isEqualTo(3L * threads * perThread);
    }

    @Test
    void scopeRefusalAfterItsRequestWasReportedThenCarriedSoTotalsStayExact() throws Exception {
        UsageCounter counter = new UsageCounter(100);
        UsageBatches batches = new UsageBatches(100);
        Map<String, long[]> reported = new java.util.HashMap<>();
        counter.allowed("k", 1);
        counter.allowed("k", 1);
        batches.add(counter.take());
        drain(batches, reported);
        counter.refusedForScope("k"); // the second request, reported as allowed, is then refused for scope
        batches.add(counter.take());
        drain(batches, reported);
        assertThat(reported.get("k")).containsExactly(2, 1, 0, 0);
        counter.allowed("k", 2);
        counter.allowed("k", 2);
        batches.add(counter.take());
        drain(batches, reported);
        assertThat(reported.get("k")).as("3 allowed, 1 refused for scope in all").containsExactly(3, 1, 0, 0);
    }

    @Test
    void batchesWhileOneWaitsThenNewCountsAccumulateAndBatchesAreSplitAt10000Keys() throws Exception {
        UsageCounter counter = new UsageCounter(50_000);
        UsageBatches batches = new UsageBatches(50_000);
        counter.allowed("first", 1);
        batches.add(counter.take());
        batches.seal();
        UsageBatches.Batch waiting = batches.next();
        for (int i = 0; i < 25_000; i++) {
            counter.allowed("key-\"" + i, 1);
        }
        batches.add(counter.take());
        batches.seal();
        assertThat(batches.next()).as("a waiting batch is never changed").isSameAs(waiting);
        assertThat(batches.queued()).isEqualTo(1);
        batches.done();
        batches.seal();
        List<Integer> sizes = new ArrayList<>();
        for (UsageBatches.Batch b = batches.next(); b != null; b = batches.next()) {
            sizes.add(b.entries());
            assertThat(((List<?>) JSONObjectUtils.parse(b.json()).get("keys"))).hasSize(b.entries());
            batches.done();
        }
        assertThat(sizes).containsExactly(10_000, 10_000, 5_000);
    }

    @Test
    void windowWhenMoreKeysThanMaxThenFurtherKeysCountedAsUncounted() {
        UsageCounter counter = new UsageCounter(2);
        counter.allowed("a", 1);
        counter.allowed("b", 1);
        counter.allowed("c", 1);
        counter.refusedRate("d", 1);
        counter.allowed("a", 1);
        UsageCounter.Taken taken = counter.take();
        assertThat(taken.keys()).containsOnlyKeys("a", "b");
        assertThat(taken.keys().get("a").allowed()).isEqualTo(2);
        assertThat(taken.uncountedRequests()).isEqualTo(2);
    }
}
