package dev.keymint.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keymint.sdk.StatusListServer;
import dev.keymint.sdk.TokenFixture;
import dev.keymint.sdk.UsageServer;
import dev.keymint.spring.boot.app.ProjectsApplication;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code keymint.resource.usage.*}: the application reports what it verified to the issuer's
 * usage endpoint (resource-sdk's fixture), including {@code @keymint.allows} refusals, and sends
 * the last counts when it shuts down.
 */
class KeymintStarterUsageTest {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final UsageServer keymint = UsageServer.start();
    private final StatusListServer keys = StatusListServer.start();

    @AfterEach
    void stop() {
        keymint.close();
        keys.close();
    }

    private static int get(String base, String path, String token) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void allowedAndScopeRefusedRequestsAreReportedPerKeyOnShutdown() throws Exception {
        ConfigurableApplicationContext app = new SpringApplicationBuilder(ProjectsApplication.class).run(
                "--server.port=0",
                "--server.address=127.0.0.1",
                "--keymint.resource.issuer-uri=" + keymint.issuer,
                "--keymint.resource.jwk-set-uri=" + keys.issuer + "/jwks",
                "--keymint.resource.usage.client-id=" + UsageServer.CLIENT_ID,
                "--keymint.resource.usage.api-key=" + UsageServer.SECRET,
                // nothing is sent before shutdown: the last report comes from closing the reporter
                "--keymint.resource.usage.interval=1h");
        String base = "http://127.0.0.1:" + ((WebServerApplicationContext) app).getWebServer().getPort();
        String token = TokenFixture.token(Instant.now()).claim("iss", keymint.issuer).claim("client_id", "key_counted").build();

        assertThat(get(base, "/projects/42", token)).isEqualTo(200);
        assertThat(get(base, "/projects/42", token)).isEqualTo(200);
        assertThat(get(base, "/projects/7", token)).isEqualTo(403);
        assertThat(keymint.totals("key_counted")).as("nothing reported before shutdown").containsExactly(0, 0, 0, 0);
        app.close();

        assertThat(keymint.totals("key_counted")).as("allowed, refused for scope, refused for rate, cost").containsExactly(2, 1, 0, 0);
    }
}
