package dev.keymint.server.testsupport;

import dev.keymint.server.KeymintApplication;
import dev.keymint.server.organizations.OrganizationBootstrapper;
import dev.keymint.server.organizations.OrganizationBootstrapper.BootstrappedOrganization;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A real Keymint server on a random port and a real PostgreSQL database, for tests that talk HTTP.
 * Several may share one database, as production instances do.
 */
public final class KeymintServer implements AutoCloseable {

    private final ConfigurableApplicationContext context;
    private final String configuredIssuer;

    private KeymintServer(ConfigurableApplicationContext context, String configuredIssuer) {
        this.context = context;
        this.configuredIssuer = configuredIssuer;
    }

    public static Builder onFreshDatabase() {
        return new Builder(TestPostgres.freshDatabase());
    }

    public static Builder onDatabase(String jdbcUrl) {
        return new Builder(jdbcUrl);
    }

    public static String newMasterKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    /** Where tests send their requests: the loopback address, not the name the issuer uses. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    /**
     * The issuer tokens must name: {@code keymint.issuer} when the test set it, else the documented
     * default {@code http://localhost:<port>}.
     */
    public String issuer() {
        return configuredIssuer != null ? configuredIssuer : "http://localhost:" + port();
    }

    public int port() {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    /** The actuator's own port (random in tests; 9090 on 127.0.0.1 by default). */
    public String managementUrl() {
        return "http://127.0.0.1:" + context.getEnvironment().getProperty("local.management.port");
    }

    public String tokenEndpoint() {
        return baseUrl() + "/oauth/token";
    }

    public BootstrappedOrganization bootstrap(String org, String... scopes) {
        return context.getBean(OrganizationBootstrapper.class).bootstrap(org, List.of(scopes), "test key");
    }

    public JdbcClient jdbc() {
        return context.getBean(JdbcClient.class);
    }

    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    @Override
    public void close() {
        context.close();
    }

    public static final class Builder {

        private final String jdbcUrl;
        private String masterKey = newMasterKey();
        private final List<String> properties = new ArrayList<>();
        private String issuer;
        private Clock clock;

        private Builder(String jdbcUrl) {
            this.jdbcUrl = jdbcUrl;
        }

        public Builder masterKey(String masterKey) {
            this.masterKey = masterKey;
            return this;
        }

        public Builder property(String name, Object value) {
            if (name.equals("keymint.issuer")) {
                issuer = String.valueOf(value);
            }
            properties.add(name + "=" + value);
            return this;
        }

        /** The server's clock instead of the system's (e.g. a {@link SettableClock}). */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        public String jdbcUrl() {
            return jdbcUrl;
        }

        public String masterKey() {
            return masterKey;
        }

        /**
         * Starts an instance. Call it again for another instance on the same database, with the same
         * master key, properties and clock: what several production instances share.
         */
        public KeymintServer start() {
            List<String> all = new ArrayList<>(List.of(
                    "server.port=0",
                    "management.server.port=0",
                    "spring.datasource.url=" + jdbcUrl,
                    "spring.datasource.username=" + TestPostgres.user(),
                    "spring.datasource.password=" + TestPostgres.password(),
                    "spring.datasource.hikari.maximum-pool-size=4",
                    "keymint.master-key=" + masterKey,
                    "keymint.data-dir=" + Path.of("target", "keymint-test-data").toAbsolutePath(),
                    "logging.level.root=WARN",
                    // Nothing keeps connections open across a test's end; the drain has a test of its own.
                    "keymint.shutdown.drain=0s"));
            // A test's own value replaces the default (a property given twice would bind as a list).
            all.removeIf(defaulted -> properties.stream().anyMatch(own -> name(own).equals(name(defaulted))));
            all.addAll(properties);
            // As command-line arguments they outrank application.properties, as an operator's would.
            SpringApplicationBuilder application = new SpringApplicationBuilder(KeymintApplication.class);
            if (clock != null) {
                Clock serverClock = clock;
                application.initializers(context -> context.getBeanFactory().registerSingleton("testClock", serverClock));
            }
            return new KeymintServer(application
                    .run(all.stream().map(property -> "--" + property).toArray(String[]::new)), issuer);
        }
    }

    private static String name(String property) {
        return property.substring(0, property.indexOf('='));
    }

    /** Convenience for tests that check a refused request wrote nothing. */
    public long count(String table) {
        return jdbc().sql("select count(*) from " + table).query(Long.class).single();
    }

    /** Convenience for tests that read one row as a map. */
    public Map<String, Object> row(String sql, Object... params) {
        JdbcClient.StatementSpec spec = jdbc().sql(sql);
        for (Object param : params) {
            spec = spec.param(param);
        }
        return spec.query().singleRow();
    }
}
