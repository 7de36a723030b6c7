package dev.keymint.server.keys;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.Properties;
import java.util.UUID;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Keeps {@link ApiKeyCache} in step with {@code api_keys}: listens on {@value #CHANNEL} (where the
 * database announces every change to a key, see migration V3) on a connection of its own, forgets
 * the keys it hears of, and confirms at least every heartbeat, and right after every announcement,
 * that it has applied everything committed so far.
 *
 * <p>A confirmation is one round trip, {@code select now()}: PostgreSQL delivers the announcements
 * of every transaction committed before that statement began ahead of its answer. Once they are
 * applied, the instance's row in {@code key_cache_instances} records that time and a lease from it;
 * only after that write does the cache extend its own lease, counted from before the round trip
 * was sent, so the instance stops answering from memory no later than the database thinks it does.
 * Any failure on the connection ends the lease at once; a new connection starts with an empty cache,
 * since announcements made while nobody listened are lost.
 */
final class KeyChangeListener implements SmartLifecycle {

    static final String CHANNEL = "keymint_api_keys";
    /** Payload meaning "any key may have changed". */
    static final String EVERY_KEY = "*";

    private static final Logger log = LoggerFactory.getLogger(KeyChangeListener.class);

    private final DataSource dataSource;
    private final ApiKeyCache cache;
    private final double leaseSeconds;
    private final int heartbeatMillis;
    private final int networkTimeoutMillis;
    private final UUID instanceId = UUID.randomUUID();
    private volatile boolean running;
    private Thread thread;

    KeyChangeListener(DataSource dataSource, ApiKeyCache cache, KeyCacheProperties properties) {
        this.dataSource = dataSource;
        this.cache = cache;
        this.leaseSeconds = properties.lease().toNanos() / 1e9;
        this.heartbeatMillis = (int) Math.max(1, properties.heartbeat().toMillis());
        this.networkTimeoutMillis = (int) Math.max(1000, properties.lease().toMillis() * 2);
    }

    @Override
    public synchronized void start() {
        running = true;
        thread = new Thread(this::listenUntilStopped, "keymint-key-changes");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public synchronized void stop() {
        running = false;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(heartbeatMillis * 4L);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        cache.unconfirmed();
        withdraw();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Started before the web server takes requests and stopped after it has finished them. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 4096;
    }

    private void listenUntilStopped() {
        boolean warned = false;
        while (running) {
            try (Connection connection = openConnection()) {
                connection.setAutoCommit(true);
                // A round trip that hangs (a silent network cut) must end in an error and a reconnect;
                // the lease has long stopped memory from answering by then.
                connection.setNetworkTimeout(Runnable::run, networkTimeoutMillis);
                PGConnection notifications = connection.unwrap(PGConnection.class);
                try (Statement statement = connection.createStatement()) {
                    statement.execute("listen " + CHANNEL);
                }
                cache.forgetAll(); // whatever changed while nobody listened is unknown
                if (warned) {
                    log.info("Listening for API key changes again; keys are served from memory");
                    warned = false;
                }
                while (running) {
                    confirm(connection, notifications);
                    apply(notifications.getNotifications(heartbeatMillis));
                }
            } catch (SQLException | RuntimeException e) {
                cache.unconfirmed();
                if (running && !warned) {
                    log.warn("Not listening for API key changes ({}); every token request reads its key from "
                            + "PostgreSQL until this is back", e.getMessage());
                    warned = true;
                } else if (running) {
                    log.debug("Still not listening for API key changes: {}", e.getMessage());
                }
                if (running) {
                    pause();
                }
            }
        }
    }

    /**
     * A connection outside the pool when the pool says how to open one: the listener holds it for
     * good, and the pool's size is meant for request work. Named so operators can find it in
     * {@code pg_stat_activity}.
     */
    private Connection openConnection() throws SQLException {
        if (dataSource instanceof HikariDataSource pool && pool.getJdbcUrl() != null) {
            Properties properties = new Properties();
            properties.putAll(pool.getDataSourceProperties());
            if (pool.getUsername() != null) {
                properties.setProperty("user", pool.getUsername());
            }
            if (pool.getPassword() != null) {
                properties.setProperty("password", pool.getPassword());
            }
            properties.setProperty("ApplicationName", "keymint key changes");
            return DriverManager.getConnection(pool.getJdbcUrl(), properties);
        }
        return dataSource.getConnection();
    }

    private void confirm(Connection connection, PGConnection notifications) throws SQLException {
        long sentAt = System.nanoTime();
        OffsetDateTime databaseNow;
        try (Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("select now()")) {
            result.next();
            databaseNow = result.getObject(1, OffsetDateTime.class);
        }
        apply(notifications.getNotifications());
        try (PreparedStatement upsert = connection.prepareStatement("""
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
        if (running) {
            cache.confirmed(sentAt);
        }
    }

    private void apply(PGNotification[] announced) {
        if (announced == null) {
            return;
        }
        for (PGNotification notification : announced) {
            String keyId = notification.getParameter();
            if (EVERY_KEY.equals(keyId)) {
                cache.forgetAll();
            } else if (!KeyChangeBarrier.SYNC.equals(keyId)) {
                cache.forget(keyId);
            }
        }
    }

    /** A stopped instance no longer holds admin changes up for its lease. */
    private void withdraw() {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement delete = connection.prepareStatement("delete from key_cache_instances where instance_id = ?")) {
            delete.setObject(1, instanceId);
            delete.executeUpdate();
        } catch (SQLException | RuntimeException e) {
            log.debug("Could not withdraw from key_cache_instances ({}); its lease runs out by itself", e.getMessage());
        }
    }

    private void pause() {
        try {
            Thread.sleep(heartbeatMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
