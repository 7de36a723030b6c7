package dev.keymint.spring.boot;

import static dev.keymint.sdk.TokenFixture.status;
import static dev.keymint.sdk.TokenFixture.statusListToken;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keymint.sdk.StatusListServer;
import dev.keymint.sdk.TokenFixture;
import dev.keymint.spring.boot.app.ProjectsApplication;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A Spring Boot application configured only with {@code keymint.resource.*}, on a random port,
 * called over HTTP with tokens signed by a local issuer (its JWKS and a Token Status List served
 * over HTTP by resource-sdk's fixture).
 */
class KeymintStarterHttpTest {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static StatusListServer issuer;
    private static ConfigurableApplicationContext app;
    private static String base;

    @BeforeAll
    static void start() {
        issuer = StatusListServer.start();
        // entry 0 valid, entry 1 revoked
        issuer.publish("1", statusListToken(Instant.now(), issuer.issuer, issuer.uri("1"), 2, 0, 1).build());
        app = new SpringApplicationBuilder(ProjectsApplication.class).run(
                "--server.port=0",
                "--server.address=127.0.0.1",
                "--keymint.resource.issuer-uri=" + issuer.issuer,
                "--keymint.resource.jwk-set-uri=" + issuer.issuer + "/jwks",
                "--keymint.resource.audience=" + TokenFixture.AUDIENCE,
                "--keymint.resource.api-keys=true");
        base = "http://127.0.0.1:" + ((WebServerApplicationContext) app).getWebServer().getPort();
    }

    @AfterAll
    static void stop() {
        app.close();
        issuer.close();
    }

    /** A valid token of the local issuer: scopes {@code read:projects/42/** write:projects/42/invoices/*}. */
    private static TokenFixture.TokenBuilder token() {
        return TokenFixture.token(Instant.now()).claim("iss", issuer.issuer);
    }

    private static HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void requestWithValidTokenThenKeyIdIsTheNameAndScopesAreAuthorities() throws Exception {
        HttpResponse<String> response = get("/whoami", token().build());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).startsWith("key_abc ")
                .contains(" SCOPE_read:projects/42/**").contains(" SCOPE_write:projects/42/invoices/*");
    }

    @Test
    void preAuthorizeWithKeymintAllowsThen200ForCoveredResourceAnd403Otherwise() throws Exception {
        HttpResponse<String> covered = get("/projects/42", token().build());
        assertThat(covered.statusCode()).isEqualTo(200);
        assertThat(covered.body()).isEqualTo("project 42");

        HttpResponse<String> other = get("/projects/7", token().build());
        assertThat(other.statusCode()).isEqualTo(403);
        assertThat(other.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("insufficient_scope");

        // an id that is not a literal path segment is denied, not an error
        assertThat(get("/projects/4*", token().claim("scope", "read:**").build()).statusCode()).isEqualTo(403);
    }

    @Test
    void hasAuthorityOnScopeAuthoritiesThen403WithoutTheScopeAnd200WithIt() throws Exception {
        assertThat(get("/reports", token().build()).statusCode()).isEqualTo(403);
        assertThat(get("/reports", token().claim("scope", "read:reports/**").build()).statusCode()).isEqualTo(200);
    }

    @Test
    void requestWithoutTokenOrWithForgedExpiredOrOtherAudienceTokenThen401() throws Exception {
        HttpResponse<String> none = get("/whoami", null);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate").orElseThrow()).startsWith("Bearer")
                .doesNotContain("error=");

        for (String bad : new String[] {
                token().signedWith(TokenFixture.ATTACKER_KEY).kid("k1").build(),
                TokenFixture.token(Instant.now().minusSeconds(3600)).claim("iss", issuer.issuer).build(),
                token().claim("aud", "other-api").build()}) {
            HttpResponse<String> response = get("/whoami", bad);
            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("invalid_token");
        }
    }

    @Test
    void requestWithTokenRevokedInStatusListThen401Revoked() throws Exception {
        assertThat(get("/whoami", token().claim("status", status(0, issuer.uri("1"))).build()).statusCode()).isEqualTo(200);
        HttpResponse<String> revoked = get("/whoami", token().claim("status", status(1, issuer.uri("1"))).build());
        assertThat(revoked.statusCode()).isEqualTo(401);
        assertThat(revoked.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("revoked");
    }

    @Test
    void requestOverKeysApiRateLimitThen429WithRetryAfter() throws Exception {
        String limited = token().claim("client_id", "key_limited").claim("api_requests_per_minute", 1).build();
        assertThat(get("/whoami", limited).statusCode()).isEqualTo(200);
        HttpResponse<String> refused = get("/whoami", limited);
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        assertThat(refused.body()).contains("\"error\":\"rate_limited\"");
    }

    @Test
    void protectedResourceMetadataNamesTheKeymintIssuerWithoutAToken() throws Exception {
        HttpResponse<String> metadata = get("/.well-known/oauth-protected-resource", null);
        assertThat(metadata.statusCode()).isEqualTo(200);
        assertThat(metadata.body()).contains("\"authorization_servers\":[\"" + issuer.issuer + "\"]");
    }

    @Test
    void apiKeyAsBearerThenExchangedOnceForTheCallersAddressAndVerifiedAsItsToken() throws Exception {
        String apiKey = "kmk_frATEYthA4sWCmhj_w27cfRN6KwgP01rJtsC2pqVvrZbQBhVM0ZjJ9h"; // one Keymint generated
        int before = issuer.tokenRequests.size();

        HttpResponse<String> first = get("/whoami", apiKey);
        HttpResponse<String> second = get("/whoami", apiKey);

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.body()).startsWith("frATEYthA4sWCmhj ").contains(" SCOPE_read:projects/42/**");
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(issuer.tokenRequests.subList(before, issuer.tokenRequests.size())).containsExactly("for=127.0.0.1");
    }

    @Test
    void malformedApiKeyAsBearerThen401WithoutATokenRequest() throws Exception {
        int before = issuer.tokenRequests.size();

        HttpResponse<String> response = get("/whoami", "kmk_frATEYthA4sWCmhj_w27cfRN6KwgP01rJtsC2pqVvrZbQBhVM0ZjJ9x");

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("the API key is not well-formed");
        assertThat(issuer.tokenRequests).hasSize(before);
    }

    @Test
    void responsesCreateNoSession() throws Exception {
        assertThat(get("/whoami", token().build()).headers().firstValue("Set-Cookie")).isEmpty();
    }
}
