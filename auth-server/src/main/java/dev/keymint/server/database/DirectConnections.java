package dev.keymint.server.database;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * Connections opened beside the pool, as the pool would open them, for work that must neither wait
 * in the pool's queue nor hold one of its connections: the key-change listener keeps its connection
 * for good, and the availability probe must learn within seconds whether PostgreSQL answers at all,
 * even while the pool refuses requests. Named so operators can find them in {@code pg_stat_activity}.
 */
public final class DirectConnections {

    private DirectConnections() {
    }

    /**
     * A new connection outside the pool when the pool says how to open one, else one from the data
     * source itself (never refused by {@link FailFastDataSource}).
     *
     * @param timeoutMillis how long connecting may take (rounded to whole seconds, at least one)
     */
    public static Connection open(DataSource dataSource, String applicationName, int timeoutMillis) throws SQLException {
        DataSource pooled = dataSource instanceof DelegatingDataSource delegating ? delegating.getTargetDataSource() : dataSource;
        if (pooled == null || !pooled.isWrapperFor(HikariDataSource.class)) {
            return (pooled == null ? dataSource : pooled).getConnection();
        }
        HikariDataSource pool = pooled.unwrap(HikariDataSource.class);
        if (pool.getJdbcUrl() == null) {
            return pooled.getConnection();
        }
        Properties properties = new Properties();
        properties.putAll(pool.getDataSourceProperties());
        putIfNotNull(properties, "user", pool.getUsername());
        putIfNotNull(properties, "password", pool.getPassword());
        putIfNotNull(properties, "currentSchema", pool.getSchema());
        properties.setProperty("ApplicationName", applicationName);
        String timeoutSeconds = String.valueOf(Math.max(1, timeoutMillis / 1000));
        properties.putIfAbsent("connectTimeout", timeoutSeconds);
        properties.putIfAbsent("loginTimeout", timeoutSeconds);
        properties.putIfAbsent("tcpKeepAlive", "true");
        Connection opened = DriverManager.getConnection(pool.getJdbcUrl(), properties);
        if (pool.getConnectionInitSql() != null) {
            try (Statement statement = opened.createStatement()) {
                statement.execute(pool.getConnectionInitSql());
            } catch (SQLException e) {
                try {
                    opened.close();
                } catch (SQLException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
        }
        return opened;
    }

    private static void putIfNotNull(Properties properties, String name, String value) {
        if (value != null) {
            properties.setProperty(name, value);
        }
    }
}
