package dev.keymint.server.starter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keymint.example.projects.ProjectsService;
import dev.keymint.server.organizations.OrganizationBootstrapper.BootstrappedOrganization;
import dev.keymint.server.testsupport.AdminClient;
import dev.keymint.server.testsupport.KeymintServer;
import dev.keymint.server.testsupport.TokenClient;
import dev.keymint.server.testsupport.TokenClient.Response;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * keymint-spring-boot-starter against a real Keymint: a small Spring Boot service configured with
 * {@code keymint.resource.issuer-uri}, {@code audience} and {@code organization} only, called over
 * HTTP with tokens the running server issued.
 */
class SpringBootStarterEndToEndTest {

    private static KeymintServer keymint;
    private static AdminClient admin;
    private static ConfigurableApplicationContext service;
    private static String serviceUrl;

    @BeforeAll
    static void start() {
        KeymintServer.Builder builder = KeymintServer.onFreshDatabase().property("keymint.status.ttl", "1s");
        keymint = builder.start();
        admin = AdminClient.of(keymint, keymint.bootstrap("acme", "*:*"));
        service = new SpringApplicationBuilder(ProjectsService.class).run(
                "--server.port=0",
                "--server.address=127.0.0.1",
                "--keymint.resource.issuer-uri=" + keymint.issuer(),
                "--keymint.resource.audience=keymint",
                "--keymint.resource.organization=acme",
                // This test's class path is auth-server's: keep the service away from Keymint's own
                // application.properties, its embedded-PostgreSQL start-up (which only a datasource
                // URL turns off) and the database and authorization-server auto-configurations, so
                // that it is what a customer's service is: the starter and Spring MVC.
                "--spring.config.name=projects-service",
                "--spring.datasource.url=" + builder.jdbcUrl(),
                "--spring.autoconfigure.exclude="
                        + "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration,"
                        + "org.springframework.boot.security.oauth2.server.authorization.autoconfigure.servlet.OAuth2AuthorizationServerAutoConfiguration,"
                        + "org.springframework.boot.security.oauth2.server.authorization.autoconfigure.servlet.OAuth2AuthorizationServerJwtAutoConfiguration",
                "--logging.level.root=WARN");
        serviceUrl = "http://127.0.0.1:" + ((WebServerApplicationContext) service).getWebServer().getPort();
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
        keymint.close();
    }

    /** A new key of acme with {@code scopes}: its id and a token Keymint issued for it. */
    private static String[] keyWithToken(String name, String scopes) {
        Response created = admin.post("/keys", "{\"name\": \"" + name + "\", \"scopes\": [\"" + scopes + "\"]}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String id = created.field("id");
        String token = new TokenClient(keymint.tokenEndpoint())
                .basic(id, created.field("api_key"), "grant_type", "client_credentials").accessToken();
        return new String[] {id, token};
    }

    private static Response callService(String path, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(serviceUrl + path)).timeout(Duration.ofSeconds(10));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return TokenClient.send(request.build());
    }

    @Test
    void tokenFromKeymintThen200ForItsScopeAnd403ForAnotherResource() {
        String[] key = keyWithToken("projects reader", "read:projects/42/**");

        Response allowed = callService("/projects/42", key[1]);
        assertThat(allowed.status()).isEqualTo(200);
        assertThat(allowed.body()).isEqualTo("project 42 for " + key[0]);

        Response refused = callService("/projects/7", key[1]);
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.header("WWW-Authenticate")).contains("insufficient_scope");
    }

    @Test
    void noTokenOrForgedTokenOrAnotherOrganizationsTokenThen401() {
        Response none = callService("/projects/42", null);
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.header("WWW-Authenticate")).startsWith("Bearer");

        // a real token whose scope claim was widened: its signature no longer matches
        String token = keyWithToken("forger", "read:projects/1")[1];
        String[] parts = token.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        String widened = payload.replace("\"read:projects/1\"", "\"*:**\"");
        assertThat(widened).isNotEqualTo(payload);
        String forged = parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(widened.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        Response forgedCall = callService("/projects/42", forged);
        assertThat(forgedCall.status()).isEqualTo(401);
        assertThat(forgedCall.header("WWW-Authenticate")).contains("invalid_token");

        BootstrappedOrganization globex = keymint.bootstrap("globex", "*:*");
        String globexToken = new TokenClient(keymint.tokenEndpoint())
                .basic(globex.clientId(), globex.apiKey(), "grant_type", "client_credentials").accessToken();
        Response otherOrganization = callService("/projects/42", globexToken);
        assertThat(otherOrganization.status()).as("the service accepts acme's tokens only").isEqualTo(401);
        assertThat(otherOrganization.header("WWW-Authenticate")).contains("invalid_token");
    }

    @Test
    void revokedKeysTokenThen401RevokedOnceTheStatusListSaysSo() throws InterruptedException {
        String[] key = keyWithToken("to revoke", "read:projects/**");
        assertThat(callService("/projects/42", key[1]).status()).isEqualTo(200);

        assertThat(admin.post("/keys/" + key[0] + "/revoke", null).status()).isEqualTo(200);

        // the service refetches the status list in the background (ttl 1 s); awaited, never timed
        await(() -> callService("/projects/42", key[1]).status() == 401);
        Response revoked = callService("/projects/42", key[1]);
        assertThat(revoked.status()).isEqualTo(401);
        assertThat(revoked.header("WWW-Authenticate")).contains("invalid_token").contains("revoked");
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
    }
}
