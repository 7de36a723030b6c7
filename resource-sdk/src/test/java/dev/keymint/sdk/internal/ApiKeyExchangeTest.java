package dev.keymint.sdk.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.keymint.sdk.TokenFixture.MutableClock;
import dev.keymint.sdk.TokenRejectedException;
import dev.keymint.sdk.TokenRejectedException.Reason;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ApiKeyExchange} against a token endpoint on 127.0.0.1 that answers as Keymint does. The
 * keys are ones Keymint generated (the server's own test pins the format on many more).
 */
class ApiKeyExchangeTest {

    private static final String KEY = "kmk_SQtDIRWXmLhC9lxT_COWSKGWD9Slel9Pri8gA9ZujlrJeDiOx1YNbe7";
    private static final String OTHER_KEY = "kmk_frATEYthA4sWCmhj_w27cfRN6KwgP01rJtsC2pqVvrZbQBhVM0ZjJ9h";
    private static final String THIRD_KEY = "kmk_BJQqWT6lvwFcFaAp_CT2TS8K472iVARkOf8LD3bCUdyEcXBjM34CdPY";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final List<String> forwarded = new CopyOnWriteArrayList<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final List<String> forms = new CopyOnWriteArrayList<>();
    private volatile int status = 200;
    private volatile String body = "{\"access_token\":\"token-%d\",\"token_type\":\"Bearer\",\"expires_in\":100}";
    private volatile CountDownLatch hold = new CountDownLatch(0);
    private final CountDownLatch arrived = new CountDownLatch(1);
    private final HttpServer server = start();

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void concurrentRequestsWithAnUncachedKeyWaitForOneExchange() throws Exception {
        ApiKeyExchange exchange = exchange(100);
        hold = new CountDownLatch(1);
        ExecutorService callers = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> tokens = new ArrayList<>();
            tokens.add(callers.submit(() -> exchange.accessToken(KEY, "203.0.113.7")));
            arrived.await();
            for (int i = 1; i < 8; i++) {
                tokens.add(callers.submit(() -> exchange.accessToken(KEY, "203.0.113.7")));
            }
            awaitWaiting(callers, 7);
            hold.countDown();

            for (Future<String> token : tokens) {
                assertThat(token.get()).isEqualTo("token-1");
            }
        } finally {
            callers.shutdown();
        }
        assertThat(exchange.exchangeCount()).isEqualTo(1);
        assertThat(authorizations).hasSize(1);
    }

    @Test
    void tokenIsKeptPerCallerAddressUntilShortlyBeforeItExpires() {
        ApiKeyExchange exchange = exchange(100);

        String first = exchange.accessToken(KEY, "203.0.113.7");
        clock.advance(Duration.ofSeconds(89));
        String cached = exchange.accessToken(KEY, "203.0.113.7");
        String otherCaller = exchange.accessToken(KEY, "2001:db8::1");
        clock.advance(Duration.ofSeconds(1));
        String renewed = exchange.accessToken(KEY, "203.0.113.7");

        assertThat(first).isEqualTo(cached).isEqualTo("token-1");
        assertThat(otherCaller).isEqualTo("token-2");
        assertThat(renewed).as("at 90 % of expires_in").isEqualTo("token-3");
        assertThat(forwarded).containsExactly("for=203.0.113.7", "for=\"[2001:db8::1]\"", "for=203.0.113.7");
    }

    @Test
    void callerAddressThatIsNotAnIpLiteralIsSentAsUnknown() {
        ApiKeyExchange exchange = exchange(100);

        exchange.accessToken(KEY, null);
        exchange.accessToken(OTHER_KEY, "203.0.113.7, 10.0.0.1");
        exchange.accessToken(THIRD_KEY, "example.com");

        assertThat(forwarded).containsExactly("for=unknown", "for=unknown", "for=unknown");
    }

    @Test
    void cacheHoldsAtMostItsBound() {
        ApiKeyExchange exchange = exchange(2);

        for (String key : List.of(KEY, OTHER_KEY, THIRD_KEY, KEY, OTHER_KEY, THIRD_KEY)) {
            exchange.accessToken(key, "203.0.113.7");
        }

        assertThat(exchange.exchangeCount()).as("three keys do not fit in two entries").isGreaterThan(3);
    }

    @Test
    void malformedKeyIsRefusedWithoutARequest() {
        ApiKeyExchange exchange = exchange(100);
        String typo = KEY.substring(0, KEY.length() - 1) + (KEY.endsWith("7") ? "8" : "7");

        assertThatThrownBy(() -> exchange.accessToken(typo, "203.0.113.7"))
                .isInstanceOfSatisfying(TokenRejectedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED))
                .hasMessage("the API key is not well-formed");
        assertThat(authorizations).isEmpty();
    }

    @Test
    void refusalCarriesTheTokenEndpointsReasonButNeverTheKeyAndIsNotCached() {
        ApiKeyExchange exchange = exchange(100);
        status = 401;
        body = "{\"error\":\"invalid_client\",\"error_description\":\"The API key is revoked\"}";

        assertThatThrownBy(() -> exchange.accessToken(KEY, "203.0.113.7"))
                .isInstanceOfSatisfying(TokenRejectedException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.API_KEY_REFUSED);
                    assertThat(e.httpStatus()).isEqualTo(401);
                })
                .hasMessage("the API key was refused: invalid_client (The API key is revoked)");
        body = "{\"error\":\"invalid_client\",\"error_description\":\"bad key " + KEY + "\"}";
        assertThatThrownBy(() -> exchange.accessToken(KEY, "203.0.113.7"))
                .hasMessage("the API key was refused: invalid_client");
        assertThat(exchange.exchangeCount()).isEqualTo(2);
    }

    @Test
    void unreachableOrFailingTokenEndpointIsAServerFailure() {
        ApiKeyExchange unreachable = new ApiKeyExchange(new ApiKeyExchange.Settings(URI.create("http://127.0.0.1:1/oauth/token"),
                Duration.ofSeconds(2), clock, 100));
        ApiKeyExchange failing = exchange(100);
        status = 500;
        body = "oops";

        for (ApiKeyExchange exchange : List.of(unreachable, failing)) {
            assertThatThrownBy(() -> exchange.accessToken(KEY, "203.0.113.7"))
                    .isInstanceOfSatisfying(TokenRejectedException.class, e -> {
                        assertThat(e.reason()).isEqualTo(Reason.TOKEN_ENDPOINT_UNAVAILABLE);
                        assertThat(e.httpStatus()).isEqualTo(503);
                        assertThat(e.getMessage()).doesNotContain(KEY.substring(21));
                    });
        }
    }

    @Test
    void exchangeNamesTheAudienceAsResourceOnlyWhenItIsAnAbsoluteUri() {
        exchange(100, "https://billing.example.com/api").accessToken(KEY, "203.0.113.7");
        exchange(100, "billing-api").accessToken(KEY, "203.0.113.7");
        exchange(100, "https://billing.example.com/#part").accessToken(KEY, "203.0.113.7");
        exchange(100, null).accessToken(KEY, "203.0.113.7");

        assertThat(forms).containsExactly(
                "grant_type=client_credentials&resource=https%3A%2F%2Fbilling.example.com%2Fapi",
                "grant_type=client_credentials", "grant_type=client_credentials", "grant_type=client_credentials");
    }

    private ApiKeyExchange exchange(int maxEntries) {
        return exchange(maxEntries, null);
    }

    private ApiKeyExchange exchange(int maxEntries, String audience) {
        return new ApiKeyExchange(new ApiKeyExchange.Settings(
                URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/oauth/token"), Duration.ofSeconds(5),
                clock, maxEntries, audience));
    }

    /** Until {@code count} threads of the pool are parked (waiting for the exchange in flight). */
    private static void awaitWaiting(ExecutorService pool, int count) throws InterruptedException {
        while (Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("pool-") && t.getState() == Thread.State.WAITING)
                .filter(t -> List.of(t.getStackTrace()).stream().anyMatch(f -> f.getMethodName().equals("accessToken")))
                .count() < count) {
            Thread.sleep(10);
        }
    }

    private HttpServer start() {
        try {
            HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            http.createContext("/oauth/token", this::token);
            http.setExecutor(Executors.newCachedThreadPool());
            http.start();
            return http;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void token(HttpExchange exchange) throws IOException {
        try (exchange) {
            authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
            forwarded.add(exchange.getRequestHeaders().getFirst("Forwarded"));
            forms.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            arrived.countDown();
            hold.await();
            byte[] answer = String.format(body, authorizations.size()).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
