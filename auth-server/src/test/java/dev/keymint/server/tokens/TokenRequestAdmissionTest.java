package dev.keymint.server.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keymint.server.organizations.OrganizationBootstrapper.BootstrappedOrganization;
import dev.keymint.server.testsupport.KeymintServer;
import dev.keymint.server.testsupport.TokenClient;
import dev.keymint.server.testsupport.TokenClient.Response;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
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
            // Operators see the queue; once the burst is answered it is empty.
            assertThat(TokenClient.get(server.managementUrl() + "/actuator/prometheus").body())
                    .contains("keymint_tokens_waiting 0.0");
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
            // Every turn came back: a lone request is served. A turn is released just after its answer
            // is written, so the client may read the last burst's answer a moment before its turn is
            // free again: a few tries, never a lasting 503.
            int lone = 0;
            for (int attempt = 0; attempt < 20 && lone != 200; attempt++) {
                if (attempt > 0) {
                    Thread.sleep(50);
                }
                lone = client.basic(key.clientId(), key.apiKey(), "grant_type", "client_credentials").status();
            }
            assertThat(lone).isEqualTo(200);
        }
    }

    @Test
    void slowSenderWhenTricklingItsBodyThenDoesNotHoldUpOtherClients() throws Exception {
        try (KeymintServer server = KeymintServer.onFreshDatabase()
                .property("keymint.tokens.concurrency.limit", 1)
                .property("keymint.tokens.concurrency.max-wait", "2s")
                .start()) {
            BootstrappedOrganization key = server.bootstrap("patient-co", "*:*");
            int port = URI.create(server.baseUrl()).getPort();

            try (Socket slow = new Socket("127.0.0.1", port)) {
                // Headers and the first bytes of a body that promises more and never sends it.
                slow.getOutputStream().write(("POST /oauth/token HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 200\r\n\r\n"
                        + "grant_type=").getBytes(StandardCharsets.US_ASCII));
                slow.getOutputStream().flush();
                Thread.sleep(500); // lets the server take up the slow request first

                Response response = new TokenClient(server.tokenEndpoint())
                        .basic(key.clientId(), key.apiKey(), "grant_type", "client_credentials");

                assertThat(response.status()).isEqualTo(200);
            }
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
