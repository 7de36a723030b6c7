package dev.keymint.server.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keymint.server.organizations.OrganizationBootstrapper.BootstrappedOrganization;
import dev.keymint.server.testsupport.KeymintServer;
import dev.keymint.server.testsupport.TokenClient;
import dev.keymint.server.testsupport.TokenClient.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The token endpoint's admission queue: bursts beyond the concurrency limit wait their turn, and
 * a request that cannot get one in time is told to retry, as OAuth JSON, never a 500.
 */
class TokenRequestAdmissionTest {

    private static final int BURST = 24;

    @Test
    void burstBeyondLimitWhenQueueMayWaitThenEveryRequestGetsToken() throws Exception {
        try (KeymintServer server = KeymintServer.onFreshDatabase()
                .property("keymint.tokens.concurrency.limit", 1)
                .property("keymint.tokens.concurrency.max-wait", "30s")
                .start()) {
            BootstrappedOrganization key = server.bootstrap("queued-co", "*:*");

            List<Response> responses = burst(new TokenClient(server.tokenEndpoint()), key);

            assertThat(responses).extracting(Response::status).containsOnly(200);
        }
    }

    @Test
    void burstBeyondLimitWhenNoWaitAllowedThenSomeTemporarilyUnavailableAndServerRecovers() throws Exception {
        try (KeymintServer server = KeymintServer.onFreshDatabase()
                .property("keymint.tokens.concurrency.limit", 1)
                .property("keymint.tokens.concurrency.max-wait", "0s")
                .start()) {
            BootstrappedOrganization key = server.bootstrap("busy-co", "*:*");
            TokenClient client = new TokenClient(server.tokenEndpoint());

            List<Response> refused = new ArrayList<>();
            // Concurrent requests against one turn collide on the first burst in practice; a few
            // more bursts make a slow machine that happens to serialize them harmless.
            for (int attempt = 0; attempt < 10 && refused.isEmpty(); attempt++) {
                List<Response> responses = burst(client, key);
                assertThat(responses).extracting(Response::status).containsOnly(200, 503);
                responses.stream().filter(response -> response.status() == 503).forEach(refused::add);
            }

            assertThat(refused).isNotEmpty().allSatisfy(response -> {
                assertThat(response.field("error")).isEqualTo("temporarily_unavailable");
                assertThat(response.header("Retry-After")).isEqualTo("1");
                assertThat(response.header("Cache-Control")).isEqualTo("no-store");
                assertThat(response.field("access_token")).isNull();
            });
            // Every turn came back: a lone request is served.
            assertThat(client.basic(key.clientId(), key.apiKey(), "grant_type", "client_credentials").status())
                    .isEqualTo(200);
        }
    }

    private static List<Response> burst(TokenClient client, BootstrappedOrganization key) throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(BURST);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Response>> pending = new ArrayList<>();
            for (int i = 0; i < BURST; i++) {
                pending.add(callers.submit(() -> {
                    start.await();
                    return client.basic(key.clientId(), key.apiKey(), "grant_type", "client_credentials");
                }));
            }
            start.countDown();
            List<Response> responses = new ArrayList<>();
            for (Future<Response> response : pending) {
                responses.add(response.get());
            }
            return responses;
        } finally {
            callers.shutdownNow();
        }
    }
}
