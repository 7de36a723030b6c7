package dev.keymint.server.database;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.logging.Log;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.StringUtils;

/**
 * Gives Keymint a database when none is configured, so that one command starts it on a machine
 * with only a JDK.
 *
 * <p>With {@code spring.datasource.url} set this does nothing. Otherwise it points the datasource
 * at the embedded PostgreSQL whose data lives in {@code <keymint.data-dir>/postgres}: if another
 * Keymint process (a running server, when this is the {@code bootstrap} command) already owns
 * that directory, it connects to that process's PostgreSQL, because two processes cannot both
 * run one data directory; otherwise it starts PostgreSQL itself.
 */
public final class EmbeddedPostgresEnvironment implements EnvironmentPostProcessor {

    private static final String PROPERTY_SOURCE = "keymintEmbeddedPostgres";

    private final Log log;

    public EmbeddedPostgresEnvironment(DeferredLogFactory logFactory) {
        this.log = logFactory.getLog(EmbeddedPostgresEnvironment.class);
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (StringUtils.hasText(environment.getProperty("spring.datasource.url"))) {
            return;
        }
        // Bound as the server will bind it, so that the default data directory is written down once.
        Path dataDirectory = Binder.get(environment).bindOrCreate("keymint", DataDirectoryProperties.class).dataDir()
                .toAbsolutePath().normalize().resolve("postgres");
        int port = runningPostgresPort(dataDirectory).orElseGet(() -> EmbeddedPostgresServer.start(dataDirectory, log));
        environment.getPropertySources().addLast(new MapPropertySource(PROPERTY_SOURCE, Map.of(
                "spring.datasource.url", EmbeddedPostgresServer.jdbcUrl(port),
                "spring.datasource.username", EmbeddedPostgresServer.USER,
                "spring.datasource.password", "")));
    }

    /** The port of a live PostgreSQL that another process runs on this data directory, if any. */
    private Optional<Integer> runningPostgresPort(Path dataDirectory) {
        Path pidFile = dataDirectory.resolve("postmaster.pid");
        if (!Files.isReadable(pidFile)) {
            return Optional.empty();
        }
        try {
            // postmaster.pid: line 1 pid, 2 data directory, 3 start time, 4 port.
            List<String> lines = Files.readAllLines(pidFile);
            int port = Integer.parseInt(lines.get(3).trim());
            DriverManager.setLoginTimeout(2);
            try (var ignored = DriverManager.getConnection(EmbeddedPostgresServer.jdbcUrl(port), EmbeddedPostgresServer.USER, "")) {
                log.info("Using the embedded PostgreSQL already running on " + dataDirectory + " (port " + port + ")");
                return Optional.of(port);
            }
        } catch (IOException | RuntimeException | SQLException e) {
            // A stale pid file left by a crash: PostgreSQL cleans it up when it starts.
            return Optional.empty();
        }
    }

    static void createDirectories(Path directory) {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the data directory " + directory, e);
        }
    }
}
