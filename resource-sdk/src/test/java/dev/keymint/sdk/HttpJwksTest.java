package dev.keymint.sdk;

import static dev.keymint.sdk.TokenFixture.KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.keymint.sdk.TokenRejectedException.Reason;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The built-in HTTP fetcher against a real server on 127.0.0.1: discovery, max-age, limits, timeouts. */
class HttpJwksTest {

    private HttpServer server;
    private String issuer;
    private final AtomicInteger jwksHits = new AtomicInteger();
    private volatile String jwksBody = TokenFixture.jwks(KEY);
    private volatile long jwksDelayMillis;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        issuer = "http://127.0.0.1:" + server.getAddress().getPort();
        server.createContext("/.well-known/oauth-authorization-server", exchange ->
                respond(exchange, "{\"issuer\":\"" + issuer + "\",\"jwks_uri\":\"" + issuer + "/jwks\"}", null));
        server.createContext("/jwks", exchange -> {
            jwksHits.incrementAndGet();
            if (jwksDelayMillis > 0) {
                try {
                    Thread.sleep(jwksDelayMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            respond(exchange, jwksBody, "public, max-age=300");
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private static void respond(com.sun.net.httpserver.HttpExchange exchange, String body, String cacheControl)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        if (cacheControl != null) {
            exchange.getResponseHeaders().set("Cache-Control", cacheControl);
        }
        try {
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        } catch (IOException e) {
            // client gave up (timeout test)
        }
    }

    private String token() {
        return TokenFixture.token(java.time.Instant.now()).claim("iss", issuer).build();
    }

    @Test
    void verifyWhenServedOverHttpThenDiscoveredAndCached() {
        TokenVerifier verifier = TokenVerifier.forIssuer(issuer).build();
        for (int i = 0; i < 20; i++) {
            assertThat(verifier.verify(token()).subject()).isEqualTo("key_abc");
        }
        assertThat(jwksHits.get()).isEqualTo(1);
        assertThat(verifier.fetchCount()).isEqualTo(2); // metadata + JWKS
    }

    @Test
    void fetchWhenBodyOverSizeLimitThenJwksUnavailable() {
        jwksBody = "{\"pad\":\"" + "x".repeat(5000) + "\"," + TokenFixture.jwks(KEY).substring(1);
        TokenVerifier verifier = TokenVerifier.forIssuer(issuer).maxJwksSize(4096).build();
        assertThatThrownBy(() -> verifier.verify(token())).isInstanceOfSatisfying(TokenRejectedException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.JWKS_UNAVAILABLE));
    }

    @Test
    void fetchWhenServerTooSlowThenReadTimeoutBoundsTheWait() {
        jwksDelayMillis = 2000;
        TokenVerifier verifier = TokenVerifier.forIssuer(issuer)
                .connectTimeout(Duration.ofMillis(500)).readTimeout(Duration.ofMillis(200)).build();
        long start = System.nanoTime();
        assertThatThrownBy(() -> verifier.verify(token())).isInstanceOfSatisfying(TokenRejectedException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.JWKS_UNAVAILABLE));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1500));
    }
}
