package dev.keymint.server.database;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * The pool as the application sees it: while {@link DatabaseAvailability} knows PostgreSQL is
 * unreachable, asking for a connection fails at once instead of after the pool's connection timeout;
 * a connection the pool could not hand out within that timeout makes it check.
 */
final class FailFastDataSource extends DelegatingDataSource {

    private final DatabaseAvailability availability;

    FailFastDataSource(DataSource pool, DatabaseAvailability availability) {
        super(pool);
        this.availability = availability;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return connect(super::getConnection);
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return connect(() -> super.getConnection(username, password));
    }

    private Connection connect(Connect pool) throws SQLException {
        availability.refuseDuringOutage();
        try {
            return pool.connect();
        } catch (SQLTransientConnectionException e) {
            // A timeout: PostgreSQL may be gone, or every connection merely busy; the probe tells which.
            availability.suspect(e.getMessage());
            throw e;
        }
    }

    @FunctionalInterface
    private interface Connect {
        Connection connect() throws SQLException;
    }
}
