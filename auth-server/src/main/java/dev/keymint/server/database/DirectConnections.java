package dev.keymint.server.database;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;

/**
 * Connections opened beside the pool, to the database the pool connects to, for work that must
 * neither wait in the pool's queue nor hold one of its connections: the key-change listener keeps
 * its connection for good, and the availability probe must learn within seconds whether PostgreSQL
 * answers at all, even while the pool refuses requests. Built from the same connection details the
 * pool is built from (Spring Boot's {@code spring.datasource.*}, or the embedded database), never
 * from the pool itself. Named so operators can find them in {@code pg_stat_activity}.
 */
public final class DirectConnections {

    private final String url;
    private final String username;
    private final String password;

    DirectConnections(JdbcConnectionDetails details) {
        this.url = details.getJdbcUrl();
        this.username = details.getUsername();
        this.password = details.getPassword();
    }

    /**
     * A new connection of the caller's own, which it must close.
     *
     * @param applicationName what {@code pg_stat_activity} shows for it
     * @param timeoutMillis   how long connecting may take (rounded to whole seconds, at least one)
     */
    public Connection open(String applicationName, int timeoutMillis) throws SQLException {
        Properties properties = new Properties();
        if (username != null) {
            properties.setProperty("user", username);
        }
        if (password != null) {
            properties.setProperty("password", password);
        }
        properties.setProperty("ApplicationName", applicationName);
        String timeoutSeconds = String.valueOf(Math.max(1, timeoutMillis / 1000));
        properties.setProperty("connectTimeout", timeoutSeconds);
        properties.setProperty("loginTimeout", timeoutSeconds);
        // A silent network cut must end in an error, not a connection waiting forever.
        properties.setProperty("tcpKeepAlive", "true");
        return DriverManager.getConnection(url, properties);
    }

    @Override
    public String toString() {
        return "DirectConnections[" + url + "]";
    }
}
