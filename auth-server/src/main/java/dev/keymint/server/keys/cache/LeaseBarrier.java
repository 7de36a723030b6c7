package dev.keymint.server.keys.cache;

import dev.keymint.server.keys.KeyChangeBarrier;
import dev.keymint.server.keys.KeyChangeNotConfirmedException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import javax.sql.DataSource;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The wait of {@link KeyChangeBarrier}: after the change commits, asks listeners to confirm now
 * ({@value #SYNC}) and polls until no instance in {@code key_cache_instances} holds a live lease
 * without having confirmed past the commit (both stamped with the database's clock), giving up with
 * {@link KeyChangeNotConfirmedException} after twice the lease plus a heartbeat, or 10 s if that is
 * longer. Step 5 of {@code docs/key-cache.md}.
 */
final class LeaseBarrier implements KeyChangeBarrier {

    /** Payload that asks listeners to confirm now; names no key. */
    static final String SYNC = "sync";

    private static final long FIRST_POLL_MILLIS = 1;
    private static final long LAST_POLL_MILLIS = 20;

    private final DataSource dataSource;
    private final Duration longestWait;

    LeaseBarrier(DataSource dataSource, KeyCacheProperties properties) {
        this.dataSource = dataSource;
        // Enough to wait out a lease granted just before the change, with room for instances
        // configured with a longer one; beyond that the caller is told, not kept waiting.
        this.longestWait = max(properties.lease().multipliedBy(2).plus(properties.heartbeat()), Duration.ofSeconds(10));
    }

    /**
     * Waits as described once the current transaction has committed, or at once when there is
     * none; nothing happens when the transaction rolls back.
     */
    @Override
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
        long pollMillis = FIRST_POLL_MILLIS;
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(true);
            OffsetDateTime afterCommit = askListenersToConfirm(connection);
            while (unconfirmedInstances(connection, afterCommit) > 0) {
                if (System.nanoTime() - deadline > 0) {
                    throw new KeyChangeNotConfirmedException("The change is saved, but an instance has neither confirmed it "
                            + "nor let its lease end within " + longestWait.toSeconds() + " s");
                }
                Thread.sleep(pollMillis);
                pollMillis = Math.min(pollMillis * 2, LAST_POLL_MILLIS);
            }
        } catch (SQLException e) {
            throw new KeyChangeNotConfirmedException("The change is saved, but the database could not be asked whether "
                    + "every instance has seen it");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KeyChangeNotConfirmedException("The change is saved; waiting for every instance to confirm it was interrupted");
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

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
