package dev.keymint.server.testsupport;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Takes a test database away from the servers on it as an outage would: {@link #begin()} refuses new
 * connections and cuts the open ones (the servers' pools), {@link #end()} lets connections in again.
 * It works through the PostgreSQL server's admin database, which the outage leaves alone.
 */
public final class DatabaseOutage implements AutoCloseable {

    private final String database;
    private final Connection superuser;

    public DatabaseOutage(String jdbcUrl) throws SQLException {
        this.database = jdbcUrl.replaceAll("^.*/([^/?]+)(\\?.*)?$", "$1");
        this.superuser = DriverManager.getConnection(TestPostgres.adminUrl(), TestPostgres.user(), TestPostgres.password());
    }

    public void begin() throws SQLException {
        execute("alter database " + database + " allow_connections false");
        execute("select pg_terminate_backend(pid) from pg_stat_activity"
                + " where datname = '" + database + "' and pid <> pg_backend_pid()");
    }

    public void end() throws SQLException {
        execute("alter database " + database + " allow_connections true");
    }

    private void execute(String sql) throws SQLException {
        try (Statement statement = superuser.createStatement()) {
            statement.execute(sql);
        }
    }

    /** Closes the admin connection only: a test ends the outage itself, before it checks the recovery. */
    @Override
    public void close() throws SQLException {
        superuser.close();
    }
}
