package dev.keymint.sdk;

import dev.keymint.sdk.internal.Background;
import dev.keymint.sdk.internal.UsageBatches;
import dev.keymint.sdk.internal.UsageCounter;
import dev.keymint.sdk.internal.UsageSender;
import dev.keymint.sdk.internal.Uris;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Reports the API requests a resource server verified back to Keymint: per key
 * ({@code client_id}), how many were allowed, refused for scope and refused for rate, and the cost
 * units the application recorded ({@link VerifiedToken#recordCost(long)}). Build one per process,
 * give it to {@link TokenVerifier.Builder#usageReporter(UsageReporter)}, close it on shutdown:
 *
 * <pre>{@code
 * UsageReporter reporter = UsageReporter.forIssuer("https://auth.example.com")
 *         .credentials(System.getenv("KEYMINT_CLIENT_ID"), System.getenv("KEYMINT_CLIENT_SECRET"))
 *         .build();
 * TokenVerifier verifier = TokenVerifier.forIssuer("https://auth.example.com").usageReporter(reporter).build();
 * }</pre>
 *
 * <ul>
 *   <li>Counting is in memory and lock-free; request threads never send anything. One daemon thread,
 *       {@code keymint-usage-reporter}, posts a batch to {@code <issuer>/admin/v1/usage-reports}
 *       every {@link Builder#interval(Duration) interval} (nothing when nothing was counted).</li>
 *   <li>It authenticates with the resource server's own Keymint key: a {@code client_credentials}
 *       token with scope {@value UsageSender#SCOPE}, obtained on that thread and refreshed ahead of
 *       expiry (and after a 401).</li>
 *   <li>Every batch has an id. While Keymint is unreachable (network, 5xx, 429) the batch is kept and
 *       sent again with the same id, with a doubling delay up to 5 minutes; the counts arriving
 *       meanwhile accumulate for the next batch. Keymint books a batch id once, so a retry after a
 *       lost response is not counted twice. A batch refused with another 4xx (it could never
 *       succeed) is dropped and logged.</li>
 *   <li>Memory is bounded by {@link Builder#maxKeys(int)} keys per interval and in the totals kept
 *       during an outage; requests of further keys are not counted per key and are logged.</li>
 *   <li>{@link #close()} stops the thread after one last attempt to send everything counted, waiting
 *       at most {@link Builder#closeTimeout(Duration)}.</li>
 * </ul>
 * Thread-safe.
 */
public final class UsageReporter implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(UsageReporter.class.getName());
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(5);

    private final UsageCounter counter;
    private final UsageBatches batches;
    private final UsageSender sender;
    private final Duration interval;
    private final Duration closeTimeout;
    private final ScheduledThreadPoolExecutor executor = Background.executor("keymint-usage-reporter");
    private volatile boolean closed;
    /** Reporter thread only. */
    private int failures;

    private UsageReporter(Builder b) {
        this.counter = new UsageCounter(b.maxKeys);
        this.batches = new UsageBatches(b.maxKeys);
        this.sender = new UsageSender(b.issuer, b.clientId, b.secret, b.timeout, b.clock);
        this.interval = b.interval;
        this.closeTimeout = b.closeTimeout;
    }

    /**
     * @param issuer the Keymint issuer URL, e.g. {@code https://auth.example.com}
     * @return a builder
     * @throws IllegalArgumentException if the issuer is null or blank
     */
    public static Builder forIssuer(String issuer) {
        if (issuer == null || issuer.isBlank()) {
            throw new IllegalArgumentException("issuer cannot be null or blank");
        }
        return new Builder(issuer);
    }

    /** The counter request threads write to. */
    UsageCounter counter() {
        return counter;
    }

    /** One run on the reporter's thread. @return the delay until the next, or null after close */
    private Duration run() {
        if (closed) {
            return null;
        }
        return deliver(false);
    }

    /**
     * Takes the counts, seals them into batches when none waits, and sends the waiting batches in
     * order until one must be retried.
     *
     * @param once whether to stop after one failed attempt (close)
     * @return the delay until the next run
     */
    private Duration deliver(boolean once) {
        batches.add(counter.take());
        long uncounted = batches.takeUncountedRequests();
        if (uncounted > 0) {
            LOG.log(Level.WARNING, "{0} requests were not counted per key: more than the reporter's maxKeys keys were active",
                    uncounted);
        }
        batches.seal();
        for (UsageBatches.Batch batch = batches.next(); batch != null; batch = batches.next()) {
            UsageSender.Answer answer = sender.send(batch.json());
            switch (answer.result()) {
                case DELIVERED -> {
                    batches.done();
                    failures = 0;
                    batches.seal();
                }
                case REFUSED -> {
                    LOG.log(Level.ERROR, "usage batch {0} ({1} keys) dropped, Keymint refused it: {2}", batch.id(),
                            batch.entries(), answer.detail());
                    batches.done();
                    batches.seal();
                }
                case RETRY -> {
                    failures++;
                    Duration backoff = backoff(answer.retryAfter());
                    LOG.log(Level.WARNING, "usage batch {0} not delivered (attempt {1}), retrying in {2}: {3}",
                            batch.id(), failures, backoff, answer.detail());
                    return once ? null : backoff;
                }
                default -> throw new IllegalStateException();
            }
        }
        return interval;
    }

    private Duration backoff(Duration retryAfter) {
        Duration doubled = interval.multipliedBy(1L << Math.min(failures, 20));
        Duration delay = doubled.compareTo(MAX_BACKOFF) < 0 ? doubled : MAX_BACKOFF;
        if (delay.compareTo(interval) < 0) {
            delay = interval;
        }
        return retryAfter != null && retryAfter.compareTo(delay) > 0 ? retryAfter : delay;
    }

    /**
     * Sends what was counted (one attempt, at most {@link Builder#closeTimeout(Duration)}), then stops
     * the reporter's thread. Counts made after this are not reported. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Future<?> flush = executor.submit(() -> deliver(true));
        try {
            flush.get(closeTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.log(Level.WARNING, "usage reporter closed before its last report finished: its counts are not reported");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            LOG.log(Level.WARNING, "usage reporter's last report failed", e.getCause());
        } finally {
            executor.shutdownNow();
        }
    }

    /** Configures a {@link UsageReporter}. */
    public static final class Builder {
        private final String issuer;
        private String clientId;
        private String secret;
        private Duration interval = Duration.ofSeconds(5);
        private Duration timeout = Duration.ofSeconds(2);
        private Duration closeTimeout = Duration.ofSeconds(5);
        private int maxKeys = 100_000;
        private boolean allowPlainHttp;
        private Clock clock = Clock.systemUTC();

        private Builder(String issuer) {
            this.issuer = issuer;
        }

        /**
         * The resource server's own Keymint key; it needs the scope {@value UsageSender#SCOPE}
         * ({@code *:*} covers it). A key of the operator organization may report for every
         * organization's keys, any other key only for its own organization's.
         *
         * @param clientId the key's id
         * @param secret   its secret (sent only to the issuer's token endpoint)
         * @return this builder
         */
        public Builder credentials(String clientId, String secret) {
            if (clientId == null || clientId.isBlank() || secret == null || secret.isEmpty()) {
                throw new IllegalArgumentException("clientId and secret cannot be null or blank");
            }
            this.clientId = clientId;
            this.secret = secret;
            return this;
        }

        /**
         * How often a batch is sent (default 5 seconds).
         *
         * @param interval between 100 milliseconds and 1 hour
         * @return this builder
         */
        public Builder interval(Duration interval) {
            this.interval = range(interval, "interval", Duration.ofMillis(100), Duration.ofHours(1));
            return this;
        }

        /**
         * Connect and read timeout of each request to Keymint (default 2 seconds).
         *
         * @param timeout between 1 millisecond and 1 minute
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            this.timeout = range(timeout, "timeout", Duration.ofMillis(1), Duration.ofMinutes(1));
            return this;
        }

        /**
         * Longest {@link #close()} waits for the last report (default 5 seconds).
         *
         * @param timeout between zero and 1 minute
         * @return this builder
         */
        public Builder closeTimeout(Duration timeout) {
            this.closeTimeout = range(timeout, "closeTimeout", Duration.ZERO, Duration.ofMinutes(1));
            return this;
        }

        /**
         * Most keys counted per interval, and held while Keymint is unreachable (default 100,000;
         * about 200 bytes each).
         *
         * @param maxKeys between 1 and 10,000,000
         * @return this builder
         */
        public Builder maxKeys(int maxKeys) {
            if (maxKeys < 1 || maxKeys > 10_000_000) {
                throw new IllegalArgumentException("maxKeys must be between 1 and 10000000");
            }
            this.maxKeys = maxKeys;
            return this;
        }

        /**
         * Allows plain {@code http} to an issuer on any host (a private network). Off by default:
         * then http is accepted only for loopback hosts, because the key's secret travels with it.
         *
         * @return this builder
         */
        public Builder allowPlainHttp() {
            this.allowPlainHttp = true;
            return this;
        }

        /**
         * The clock for the request times reported and the reporter's token expiry (default system UTC).
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock cannot be null");
            return this;
        }

        /**
         * Starts the reporter's thread.
         *
         * @return the reporter
         * @throws IllegalStateException    if no credentials were given
         * @throws IllegalArgumentException if the issuer is not an https URL (http only for localhost)
         */
        public UsageReporter build() {
            if (clientId == null) {
                throw new IllegalStateException("credentials(clientId, secret) are required");
            }
            Uris.checkFetchable(URI.create(issuer), "issuer", allowPlainHttp);
            UsageReporter reporter = new UsageReporter(this);
            Background.repeat(reporter.executor, reporter, interval, interval, UsageReporter::run);
            return reporter;
        }

        private static Duration range(Duration value, String name, Duration min, Duration max) {
            Objects.requireNonNull(value, name + " cannot be null");
            if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
                throw new IllegalArgumentException(name + " must be between " + min + " and " + max);
            }
            return value;
        }
    }
}
