package dev.keymint.server.keys.cache;

import dev.keymint.server.database.DatabaseAvailability;
import dev.keymint.server.database.DirectConnections;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Keeps {@link ApiKeyCache} and the {@link KeyChangeFollower}s in step with {@code api_keys}: listens
 * on {@value #CHANNEL} on a connection of its own, forgets the keys it hears of, and confirms at least
 * every heartbeat, and right after every announcement, with a round trip whose time it records in
 * {@code key_cache_instances} with a lease. Steps 2 to 4 of {@code docs/key-cache.md}.
 */
final class KeyChangeListener implements SmartLifecycle {

    static final String CHANNEL = "keymint_api_keys";
    /** Payload meaning "any key may have changed". */
    static final String EVERY_KEY = "*";

    private static final Logger log = LoggerFactory.getLogger(KeyChangeListener.class);
    private static final int LONGEST_PAUSE_MILLIS = 10_000;

    private final DirectConnections connections;
    private final ApiKeyCache cache;
    private final List<KeyChangeFollower> followers;
    private final DatabaseAvailability availability;
    private final double leaseSeconds;
    private final int heartbeatMillis;
    private final int networkTimeoutMillis;
    private final UUID instanceId = UUID.randomUUID();
    private volatile Thread thread;
    private volatile Connection connection;

    KeyChangeListener(DirectConnections connections, ApiKeyCache cache, List<KeyChangeFollower> followers,
                      DatabaseAvailability availability, KeyCacheProperties properties) {
        this.connections = connections;
        this.cache = cache;
        this.followers = List.copyOf(followers);
        this.availability = availability;
        this.leaseSeconds = properties.lease().toNanos() / 1e9;
        this.heartbeatMillis = (int) Math.max(1, properties.heartbeat().toMillis());
        this.networkTimeoutMillis = (int) Math.max(1000, properties.lease().toMillis() * 2);
    }

    @Override
    public synchronized void start() {
        Thread listener = new Thread(this::listenUntilStopped, "keymint-key-changes");
        listener.setDaemon(true);
        thread = listener;
        listener.start();
    }

    /**
     * Stops answering from memory, ends the listening thread (aborting its connection, so that a
     * round trip in progress ends too), then withdraws this instance so admin changes stop waiting
     * for it.
     */
    @Override
    public synchronized void stop() {
        Thread listener = thread;
        thread = null;
        unconfirmed();
        if (listener != null) {
            abort(connection);
            listener.interrupt(); // when it is waiting to reconnect instead
            try {
                listener.join(networkTimeoutMillis + heartbeatMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        unconfirmed();
        withdraw();
    }

    @Override
    public boolean isRunning() {
        return thread != null;
    }

    /** Started before the web server takes requests and stopped after it has finished them. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 4096;
    }

    private boolean mayRun() {
        return thread == Thread.currentThread();
    }

    private void listenUntilStopped() {
        int failures = 0;
        while (mayRun()) {
            try (Connection listening = openConnection()) {
                connection = listening;
                listening.setAutoCommit(true);
                // A round trip that hangs (a silent network cut) must end in an error and a reconnect;
                // the lease has long stopped memory from answering by then.
                listening.setNetworkTimeout(Runnable::run, networkTimeoutMillis);
                PGConnection notifications = listening.unwrap(PGConnection.class);
                try (Statement statement = listening.createStatement()) {
                    // A confirmation need not outlive a crash of PostgreSQL, which ends this connection
                    // (so memory is forgotten) and at worst leaves an older confirmation behind, which
                    // holds admin changes up longer, never shorter. Not waiting for the WAL flush keeps
                    // a disk busy with a checkpoint out of the round trip the lease depends on.
                    statement.execute("set synchronous_commit = off");
                    statement.execute("listen " + CHANNEL);
                    statement.execute("delete from key_cache_instances where lease_until < now() - interval '1 day'");
                }
                forgetAll(); // whatever changed while nobody listened is unknown
                availability.reachable();
                if (failures > 0) {
                    log.info("Listening for API key changes again; keys are served from memory");
                    failures = 0;
                }
                while (mayRun()) {
                    if (!confirm(listening, notifications)) {
                        apply(notifications.getNotifications(heartbeatMillis));
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (!mayRun()) {
                    unconfirmed(); // stopped: the connection was aborted on purpose
                    return;
                }
                interrupted();
                availability.suspect(e.getMessage());
                if (failures++ == 0) {
                    log.warn("Not listening for API key changes ({}); every token request reads its key from "
                            + "PostgreSQL until this is back", e.getMessage());
                } else {
                    log.debug("Still not listening for API key changes: {}", e.getMessage());
                }
                pause(Math.min(LONGEST_PAUSE_MILLIS, heartbeatMillis << Math.min(failures, 10)));
            } finally {
                connection = null;
            }
        }
    }

    /**
     * A connection outside the pool: the listener holds it for good, and the pool's size is meant
     * for request work.
     */
    private Connection openConnection() throws SQLException {
        return connections.open("keymint key changes", networkTimeoutMillis);
    }

    /**
     * Records a confirmation through the database time of its first round trip. Returns whether
     * announcements arrived during its round trips: they were applied, but they may have been made
     * after that time, so this confirmation does not cover them and the caller confirms again at once
     * (waiting for the next announcement instead would leave a barrier waiting for a whole heartbeat).
     */
    private boolean confirm(Connection listening, PGConnection notifications) throws SQLException {
        if (!cache.answeringFromMemory()) {
            // The lease lapsed (a slow round trip): admin changes may have stopped waiting for this
            // instance, so nothing remembered before now may be trusted. (Followers need no rebuild:
            // the connection still delivers every announcement, in order, before the next confirmation.)
            cache.lapsed();
        }
        long sentAt = System.nanoTime();
        OffsetDateTime databaseNow;
        try (Statement statement = listening.createStatement();
             ResultSet result = statement.executeQuery("select now()")) {
            result.next();
            databaseNow = result.getObject(1, OffsetDateTime.class);
        }
        boolean announced = apply(notifications.getNotifications());
        try (PreparedStatement upsert = listening.prepareStatement("""
                insert into key_cache_instances (instance_id, confirmed_through, lease_until)
                values (?, ?, ? + make_interval(secs => ?))
                on conflict (instance_id) do update
                   set confirmed_through = excluded.confirmed_through, lease_until = excluded.lease_until
                """)) {
            upsert.setObject(1, instanceId);
            upsert.setObject(2, databaseNow);
            upsert.setObject(3, databaseNow);
            upsert.setDouble(4, leaseSeconds);
            upsert.executeUpdate();
        }
        // Anything that arrived with the upsert's answer too, before memory may answer again.
        announced |= apply(notifications.getNotifications());
        if (mayRun()) {
            cache.confirmed(sentAt);
            followers.forEach(follower -> follower.confirmed(sentAt));
        }
        return announced;
    }

    /** Forgets what {@code announced} names; returns whether anything was announced. */
    private boolean apply(PGNotification[] announced) {
        if (announced == null || announced.length == 0) {
            return false;
        }
        Set<String> changed = new HashSet<>();
        for (PGNotification notification : announced) {
            String keyId = notification.getParameter();
            if (EVERY_KEY.equals(keyId)) {
                forgetAll();
                changed.clear();
            } else if (!LeaseBarrier.SYNC.equals(keyId)) {
                cache.forget(keyId);
                changed.add(keyId);
            }
        }
        if (!changed.isEmpty()) {
            followers.forEach(follower -> follower.keysChanged(changed));
        }
        return true;
    }

    private void forgetAll() {
        cache.forgetAll();
        followers.forEach(KeyChangeFollower::allKeysChanged);
    }

    private void unconfirmed() {
        cache.unconfirmed();
        followers.forEach(KeyChangeFollower::unconfirmed);
    }

    /** As {@link #unconfirmed}, for a connection that failed rather than one stopped on purpose. */
    private void interrupted() {
        cache.interrupted();
        followers.forEach(KeyChangeFollower::unconfirmed);
    }

    /**
     * A stopped instance no longer holds admin changes up for its lease. On a connection opened like
     * the listener's, not the pool's: at shutdown the database may already be gone (an embedded one
     * stops with the JVM), and the pool would warn about every idle connection it then finds broken.
     */
    private void withdraw() {
        try (Connection connection = openConnection();
             PreparedStatement delete = connection.prepareStatement("delete from key_cache_instances where instance_id = ?")) {
            delete.setObject(1, instanceId);
            delete.executeUpdate();
        } catch (SQLException | RuntimeException e) {
            log.debug("Could not withdraw from key_cache_instances ({}); its lease runs out by itself", e.getMessage());
        }
    }

    /** From another thread: ends a round trip the listener may be blocked in. */
    private static void abort(Connection connection) {
        if (connection != null) {
            try {
                connection.abort(Runnable::run);
            } catch (SQLException | RuntimeException e) {
                log.debug("Aborting the key change connection: {}", e.getMessage());
            }
        }
    }

    private static void pause(int millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
