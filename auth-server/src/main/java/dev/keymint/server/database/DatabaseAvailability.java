package dev.keymint.server.database;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;

/**
 * Whether this instance can reach PostgreSQL, as a circuit breaker: while it cannot, every request
 * that needs the database is refused at once ({@link FailFastDataSource}: 503, {@code Retry-After})
 * instead of waiting out the pool's connection timeout, and readiness is DOWN.
 *
 * <p>Anything that fails to reach the database (the key-change listener losing its connection, a
 * request that got no connection in time) only <em>suspects</em> an outage: a probe then opens a
 * connection of its own beside the pool, off the request path. If that fails the outage is known,
 * and the probe tries again every {@value #PROBE_INTERVAL_MILLIS} ms until PostgreSQL answers (or
 * the listener gets its connection back first); then requests go to the pool again. A pool that was merely busy (every connection in use) is never
 * taken for an outage, since the probe gets through.
 *
 * <p>The breaker only ever refuses sooner: it never lets the key cache answer from memory. That is
 * decided by the cache's lease alone ({@code keys.cache}), which an outage ends within the lease.
 */
public final class DatabaseAvailability implements DisposableBean {

    static final long PROBE_INTERVAL_MILLIS = 1000;
    private static final Logger log = LoggerFactory.getLogger(DatabaseAvailability.class);

    private final DirectConnections connections;
    private final int probeTimeoutMillis;
    private final Clock clock;
    private final AtomicBoolean probing = new AtomicBoolean();
    private final ExecutorService prober = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "keymint-database-probe");
        thread.setDaemon(true);
        return thread;
    });
    private volatile Outage outage;
    /** When something last got through on its own (guarded by this); a probe begun before cannot reopen. */
    private long reachedAtNanos = System.nanoTime();

    /** @param probeTimeoutMillis how long a probe may take to connect: the pool's connection timeout */
    DatabaseAvailability(DirectConnections connections, int probeTimeoutMillis, Clock clock) {
        this.connections = connections;
        this.probeTimeoutMillis = probeTimeoutMillis;
        this.clock = clock;
    }

    /** Since when and why PostgreSQL is known to be unreachable; empty while it is not. */
    public Optional<Outage> outage() {
        return Optional.ofNullable(outage);
    }

    /** Something failed to reach the database: check now, on the probe's thread. */
    public void suspect(String reason) {
        if (!probing.compareAndSet(false, true)) {
            return;
        }
        try {
            prober.execute(this::probeUntilReachable);
        } catch (RejectedExecutionException shuttingDown) {
            probing.set(false);
        }
    }

    /**
     * Something just got a connection of its own through (the key-change listener reconnecting):
     * requests need not wait for the probe's next try to use the database again.
     */
    public synchronized void reachable() {
        reachedAtNanos = System.nanoTime();
        endOutage();
    }

    void refuseDuringOutage() throws DatabaseUnavailableException {
        Outage known = outage;
        if (known != null) {
            throw new DatabaseUnavailableException("PostgreSQL is unreachable since " + known.since()
                    + " (" + known.reason() + "); a probe checks every second");
        }
    }

    private void probeUntilReachable() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                long startedAt = System.nanoTime();
                Optional<String> failure = probe();
                if (failure.isEmpty()) {
                    endOutage();
                    return;
                }
                beginOutage(failure.get(), startedAt);
                Thread.sleep(PROBE_INTERVAL_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            probing.set(false);
        }
    }

    private synchronized void beginOutage(String reason, long probeStartedAt) {
        if (outage == null && probeStartedAt - reachedAtNanos > 0) {
            outage = new Outage(clock.instant(), reason);
            log.warn("PostgreSQL is unreachable ({}); requests that need it are answered 503 at once and "
                    + "readiness is DOWN until a probe, every second, reaches it", reason);
        }
    }

    private synchronized void endOutage() {
        Outage ended = outage;
        outage = null;
        if (ended != null) {
            log.info("PostgreSQL answers again after {} s; requests use it again",
                    Duration.between(ended.since(), clock.instant()).toSeconds());
        }
    }

    private Optional<String> probe() {
        try (Connection connection = connections.open("keymint availability probe",
                probeTimeoutMillis)) {
            return connection.isValid(Math.max(1, probeTimeoutMillis / 1000))
                    ? Optional.empty() : Optional.of("the connection did not answer");
        } catch (SQLException | RuntimeException e) {
            return Optional.of(String.valueOf(e.getMessage()));
        }
    }

    @Override
    public void destroy() {
        prober.shutdownNow();
    }

    /** PostgreSQL unreachable since {@code since}; {@code reason} is the probe's error, without secrets. */
    public record Outage(Instant since, String reason) {
    }
}
