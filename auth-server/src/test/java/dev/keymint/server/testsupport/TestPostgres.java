package dev.keymint.server.testsupport;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * The PostgreSQL the tests run against, never a mock: the server that {@code KEYMINT_TEST_DATABASE_URL}
 * names (an admin JDBC URL; {@code .ci/run} sets it), else a Testcontainers PostgreSQL where a
 * Docker engine runs, else an embedded PostgreSQL. Each caller gets a database of its own, dropped
 * when the JVM exits (a shared server would otherwise collect thousands of them, and each later drop
 * costs PostgreSQL a checkpoint).
 */
public final class TestPostgres {

    private static Server server;
    private static final List<String> created = new ArrayList<>();

    private TestPostgres() {
    }

    /** A new, empty database; returns its JDBC URL (user and password included). */
    public static synchronized String freshDatabase() {
        Server s = server();
        String name = "keymint_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        try (Connection connection = DriverManager.getConnection(s.adminUrl(), s.user(), s.password());
             Statement statement = connection.createStatement()) {
            statement.execute("create database " + name);
            created.add(name);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create test database on " + s.adminUrl(), e);
        }
        return s.urlFor(name);
    }

    private static Server server() {
        if (server == null) {
            server = start();
            Runtime.getRuntime().addShutdownHook(new Thread(TestPostgres::dropCreated, "drop-test-databases"));
        }
        return server;
    }

    /** Forced: the Spring contexts still open at exit hold connections to these databases, and they are ours. */
    private static synchronized void dropCreated() {
        try (Connection connection = DriverManager.getConnection(server.adminUrl(), server.user(), server.password());
             Statement statement = connection.createStatement()) {
            for (String name : created) {
                statement.execute("drop database if exists " + name + " with (force)");
            }
        } catch (SQLException e) {
            System.err.println("Could not drop the test databases (" + e.getMessage() + "); .ci/run drops what is left");
        }
    }

    private static Server start() {
        String configured = System.getenv("KEYMINT_TEST_DATABASE_URL");
        if (configured != null && !configured.isBlank()) {
            return new Server(configured, System.getenv().getOrDefault("KEYMINT_TEST_DATABASE_USER", "postgres"),
                    System.getenv().getOrDefault("KEYMINT_TEST_DATABASE_PASSWORD", ""));
        }
        if (dockerAvailable()) {
            PostgreSQLContainer container = new PostgreSQLContainer("postgres:15-alpine");
            container.start();
            return new Server(container.getJdbcUrl(), container.getUsername(), container.getPassword());
        }
        try {
            EmbeddedPostgres embedded = EmbeddedPostgres.builder().start();
            return new Server(embedded.getJdbcUrl("postgres", "postgres"), "postgres", "");
        } catch (IOException e) {
            throw new UncheckedIOException("No KEYMINT_TEST_DATABASE_URL, no Docker, and embedded PostgreSQL failed", e);
        }
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    private record Server(String adminUrl, String user, String password) {

        /** The admin URL with its database name swapped for {@code database}. */
        String urlFor(String database) {
            int query = adminUrl.indexOf('?');
            String base = query < 0 ? adminUrl : adminUrl.substring(0, query);
            String params = query < 0 ? "" : adminUrl.substring(query);
            return base.substring(0, base.lastIndexOf('/') + 1) + database + params;
        }
    }

    /** The JDBC URL of the server's administrative database, for tests that act on a database from outside. */
    public static String adminUrl() {
        return server().adminUrl();
    }

    /** The credentials to pair with {@link #freshDatabase()}'s URL. */
    public static String user() {
        return server().user();
    }

    public static String password() {
        return server().password();
    }
}
