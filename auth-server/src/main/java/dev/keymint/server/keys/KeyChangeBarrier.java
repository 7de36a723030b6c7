package dev.keymint.server.keys;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Makes an admin change to a key hold until every instance's token path sees it: after the
 * change commits, waits until every instance with a live lease in {@code key_cache_instances} has
 * confirmed past the commit ({@link KeyChangeListener}), or its lease has run out (it has then
 * stopped answering from memory). It also announces {@value #SYNC} so that listeners confirm at
 * once instead of at their next heartbeat: the wait is a few milliseconds when all instances are well.
 */
public final class KeyChangeBarrier {

    /** Payload that asks listeners to confirm now; names no key. */
    static final String SYNC = "sync";

    private static final Logger log = LoggerFactory.getLogger(KeyChangeBarrier.class);
    private static final long POLL_NANOS = Duration.ofMillis(2).toNanos();

    private final DataSource dataSource;
    private final Duration longestWait;

    public KeyChangeBarrier(DataSource dataSource, KeyCacheProperties properties) {
        this.dataSource = dataSource;
        // A lease granted just before the change may run its full length; the heartbeat and a second
        // give the database's clock room to pass it.
        this.longestWait = properties.lease().plus(properties.heartbeat()).plusSeconds(1);
    }

    /**
     * Waits as described once the current transaction has committed, or at once when there is
     * none. Nothing to wait for when the transaction rolls back.
     */
    public void awaitAfterCommit() {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    await();
                }
            });
        } else {
            await();
        }
    }

    /** On a connection of its own: the committed transaction's connection is still bound to the thread. */
    private void await() {
        long deadline = System.nanoTime() + longestWait.toNanos();
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(true);
            OffsetDateTime afterCommit = askListenersToConfirm(connection);
            while (unconfirmedInstances(connection, afterCommit) > 0) {
                if (System.nanoTime() - deadline > 0) {
                    log.warn("Instances still unconfirmed {} after a key change; their leases have ended", longestWait);
                    return;
                }
                LockSupport.parkNanos(POLL_NANOS);
            }
        } catch (SQLException | RuntimeException e) {
            // The change is committed; what is unknown is who has seen it. Once the longest lease has
            // passed, no instance answers from memory with a row older than the change.
            log.warn("Cannot check instances after a key change ({}); waiting out their leases", e.getMessage());
            LockSupport.parkNanos(Math.max(0, deadline - System.nanoTime()));
        }
    }

    private static OffsetDateTime askListenersToConfirm(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("select now() from pg_notify(?, ?)")) {
            statement.setString(1, KeyChangeListener.CHANNEL);
            statement.setString(2, SYNC);
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                return result.getObject(1, OffsetDateTime.class);
            }
        }
    }

    private static long unconfirmedInstances(Connection connection, OffsetDateTime afterCommit) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("""
                select count(*) from key_cache_instances
                 where lease_until > now() and confirmed_through < ?
                """)) {
            statement.setObject(1, afterCommit);
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                return result.getLong(1);
            }
        }
    }
}
