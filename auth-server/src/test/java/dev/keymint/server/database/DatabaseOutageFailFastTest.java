package dev.keymint.server.database;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keymint.server.organizations.OrganizationBootstrapper.BootstrappedOrganization;
import dev.keymint.server.testsupport.AdminClient;
import dev.keymint.server.testsupport.DatabaseOutage;
import dev.keymint.server.testsupport.KeymintServer;
import dev.keymint.server.testsupport.TokenClient;
import dev.keymint.server.testsupport.TokenClient.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Once an instance knows PostgreSQL is unreachable it says so at once: token requests get 503
 * {@code temporarily_unavailable} without waiting out the pool's connection timeout (which made every
 * request take 3 s and throughput fall to a few requests per second), the admin API answers 503
 * problem JSON, readiness is DOWN and liveness UP; when the database is back, readiness is UP and
 * tokens are issued again.
 *
 * <p>"At once" is asserted as a count, not a time: the pool's own counter of requests that waited
 * out its connection timeout ({@code hikaricp_connections_timeout_total}) does not move. The
 * background writers are slowed down so that only the requests of this test ask the pool for
 * connections.
 */
class DatabaseOutageFailFastTest {

    private static final int REQUESTS = 10;
    private static final Duration LONGEST_WAIT = Duration.ofSeconds(30);

    @Test
    void databaseUnreachableThenRequestsRefusedWithoutWaitingReadinessDownAndAllBackAfterwards() throws Exception {
        KeymintServer.Builder builder = KeymintServer.onFreshDatabase()
                .property("spring.datasource.hikari.connection-timeout", 3000)
                .property("keymint.usage.flush-interval", "1h")
                .property("keymint.keys.last-used-flush-interval", "1h")
                .property("keymint.signing.refresh-interval", "1h")
                .property("keymint.signing.rotation-check-interval", "1h");
        try (KeymintServer server = builder.start();
             DatabaseOutage outage = new DatabaseOutage(builder.jdbcUrl())) {
            BootstrappedOrganization key = server.bootstrap("outage-co", "*:*");
            TokenClient client = new TokenClient(server.tokenEndpoint());
            AdminClient adminApi = AdminClient.withToken(server, token(client, key).accessToken());
            assertThat(readiness(server).status()).isEqualTo(200);

            try {
                outage.begin();

                assertThat(await(() -> readiness(server), response -> response.status() == 503).status())
                        .as("readiness once the instance knows").isEqualTo(503);
                assertThat(TokenClient.get(server.baseUrl() + "/readyz").status()).isEqualTo(503);
                assertThat(TokenClient.get(server.baseUrl() + "/livez").status()).as("liveness").isEqualTo(200);

                double timeoutsBefore = poolTimeouts(server);
                for (int i = 0; i < REQUESTS; i++) {
                    Response refused = token(client, key);
                    assertThat(refused.status()).isEqualTo(503);
                    assertThat(refused.field("error")).isEqualTo("temporarily_unavailable");
                    assertThat(refused.header("Retry-After")).isEqualTo("1");
                }
                assertThat(poolTimeouts(server)).as("requests that waited out the connection timeout")
                        .isEqualTo(timeoutsBefore);

                Response adminRefused = adminApi.post("/keys", "{\"name\": \"during outage\", \"scopes\": [\"read:x\"]}");
                assertThat(adminRefused.status()).isEqualTo(503);
                assertThat(adminRefused.header("Content-Type")).startsWith("application/problem+json");
                assertThat(adminRefused.header("Retry-After")).isEqualTo("1");
                assertThat(poolTimeouts(server)).isEqualTo(timeoutsBefore);
            } finally {
                outage.end();
            }

            assertThat(await(() -> readiness(server), response -> response.status() == 200).status())
                    .as("readiness once the database is back").isEqualTo(200);
            assertThat(await(() -> token(client, key), response -> response.status() == 200).status()).isEqualTo(200);
            assertThat(adminApi.get("/keys").status()).isEqualTo(200);
        }
    }

    private static Response readiness(KeymintServer server) {
        return TokenClient.get(server.managementUrl() + "/actuator/health/readiness");
    }

    private static double poolTimeouts(KeymintServer server) {
        String metrics = TokenClient.get(server.managementUrl() + "/actuator/prometheus").body();
        assertThat(metrics).as("the pool's counter is published").contains("hikaricp_connections_timeout_total");
        return metrics.lines()
                .filter(line -> line.startsWith("hikaricp_connections_timeout_total"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }

    private static Response await(Supplier<Response> call, Predicate<Response> done)
            throws InterruptedException {
        Instant deadline = Instant.now().plus(LONGEST_WAIT);
        Response response = call.get();
        while (!done.test(response) && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
            response = call.get();
        }
        return response;
    }

    private static Response token(TokenClient client, BootstrappedOrganization key) {
        return client.basic(key.clientId(), key.apiKey(), "grant_type", "client_credentials");
    }
}
