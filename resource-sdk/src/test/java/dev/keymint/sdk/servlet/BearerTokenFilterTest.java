package dev.keymint.sdk.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keymint.sdk.Scope;
import dev.keymint.sdk.StatusListServer;
import dev.keymint.sdk.TokenFixture;
import dev.keymint.sdk.TokenVerifier;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The filter in a real embedded Tomcat on 127.0.0.1, called over HTTP. */
class BearerTokenFilterTest {

    private static Tomcat tomcat;
    private static String base;
    private static StatusListServer issuer;
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        TokenVerifier verifier = TokenVerifier.forIssuer(TokenFixture.ISSUER).jwks(TokenFixture.jwks(TokenFixture.KEY))
                .audience(TokenFixture.AUDIENCE).organization(TokenFixture.ORG).build();
        tomcat = new Tomcat();
        File dir = Files.createTempDirectory("keymint-tomcat").toFile();
        tomcat.setBaseDir(dir.getAbsolutePath());
        tomcat.setHostname("127.0.0.1");
        tomcat.setPort(0);
        tomcat.getConnector().setProperty("address", "127.0.0.1");
        Context context = tomcat.addContext("", dir.getAbsolutePath());
        Tomcat.addServlet(context, "echo", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.getWriter().print("hello " + BearerTokenFilter.token(req).orElseThrow().subject());
            }
        });
        context.addServletMappingDecoded("/*", "echo");
        addFilter(context, "any", BearerTokenFilter.of(verifier), "/open/*");
        addFilter(context, "admin", BearerTokenFilter.requiring(verifier, Scope.parse("admin:keys/**")), "/admin/*");
        issuer = StatusListServer.start();
        issuer.publish("1", TokenFixture.statusListToken(Instant.now(), issuer.issuer, issuer.uri("1"), 2, 0, 1, 2).build());
        addFilter(context, "status", BearerTokenFilter.of(issuer.verifier().build()), "/status/*");
        tomcat.start();
        base = "http://127.0.0.1:" + tomcat.getConnector().getLocalPort();
    }

    private static void addFilter(Context context, String name, BearerTokenFilter filter, String pattern) {
        FilterDef def = new FilterDef();
        def.setFilterName(name);
        def.setFilter(filter);
        context.addFilterDef(def);
        FilterMap map = new FilterMap();
        map.setFilterName(name);
        map.addURLPatternDecoded(pattern);
        context.addFilterMap(map);
    }

    @AfterAll
    static void stop() throws Exception {
        tomcat.stop();
        tomcat.destroy();
        issuer.close();
    }

    private static HttpResponse<String> get(String path, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(5));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void requestWhenValidTokenThenPassesWithTokenInAttribute() throws Exception {
        HttpResponse<String> response = get("/open/x", "Bearer " + TokenFixture.token(Instant.now()).build());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("hello key_abc");
    }

    @Test
    void requestWhenNoTokenThen401BearerWithoutError() throws Exception {
        HttpResponse<String> response = get("/open/x", null);
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).contains("Bearer");
        assertThat(get("/open/x", "Basic dXNlcjpwYXNz").headers().firstValue("WWW-Authenticate")).contains("Bearer");
    }

    @Test
    void requestWhenTokenRejectedThen401InvalidToken() throws Exception {
        String expired = TokenFixture.token(Instant.now().minusSeconds(3600)).build();
        HttpResponse<String> response = get("/open/x", "Bearer " + expired);
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow())
                .startsWith("Bearer error=\"invalid_token\", error_description=\"the token expired at ");
        assertThat(response.headers().firstValue("Cache-Control")).contains("no-store");
        assertThat(get("/open/x", "Bearer garbage").headers().firstValue("WWW-Authenticate").orElseThrow())
                .contains("invalid_token");
    }

    @Test
    void requestWhenScopeMissingThen403InsufficientScope() throws Exception {
        HttpResponse<String> response = get("/admin/x", "Bearer " + TokenFixture.token(Instant.now()).build());
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow())
                .startsWith("Bearer error=\"insufficient_scope\"").endsWith("scope=\"admin:keys/**\"");
        String admin = TokenFixture.token(Instant.now()).claim("scope", "admin:keys/**").build();
        assertThat(get("/admin/x", "Bearer " + admin).statusCode()).isEqualTo(200);
    }

    @Test
    void requestWhenKeyOverItsApiRateLimitThen429WithRetryAfterAndRateLimitedJson() throws Exception {
        String limited = "Bearer " + TokenFixture.token(Instant.now()).claim("client_id", "key_limited_servlet")
                .claim("api_requests_per_minute", 2).build();
        assertThat(get("/open/x", limited).statusCode()).isEqualTo(200);
        assertThat(get("/open/x", limited).statusCode()).isEqualTo(200);
        HttpResponse<String> refused = get("/open/x", limited);
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(Integer.parseInt(refused.headers().firstValue("Retry-After").orElseThrow())).isBetween(1, 60);
        assertThat(refused.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/json");
        assertThat(refused.headers().firstValue("Cache-Control")).contains("no-store");
        assertThat(refused.body()).isEqualTo(
                "{\"error\":\"rate_limited\",\"error_description\":\"the API key exceeded its limit of 2 requests per minute\"}");
        String unlimited = "Bearer " + TokenFixture.token(Instant.now()).claim("client_id", "key_limited_servlet").build();
        assertThat(get("/open/x", unlimited).statusCode()).as("a token without the claim is not limited").isEqualTo(200);
    }

    @Test
    void requestWhenTokenRevokedOrSuspendedThen401SayingSoElse503WhenListUnavailable() throws Exception {
        java.util.function.BiFunction<Integer, String, String> token = (idx, list) -> "Bearer " + TokenFixture.token(Instant.now())
                .claim("iss", issuer.issuer).claim("status", TokenFixture.status(idx, issuer.uri(list))).build();
        assertThat(get("/status/x", token.apply(0, "1")).statusCode()).isEqualTo(200);
        HttpResponse<String> revoked = get("/status/x", token.apply(1, "1"));
        assertThat(revoked.statusCode()).isEqualTo(401);
        assertThat(revoked.headers().firstValue("WWW-Authenticate").orElseThrow())
                .isEqualTo("Bearer error=\"invalid_token\", error_description=\"the token has been revoked\"");
        HttpResponse<String> suspended = get("/status/x", token.apply(2, "1"));
        assertThat(suspended.statusCode()).isEqualTo(401);
        assertThat(suspended.headers().firstValue("WWW-Authenticate").orElseThrow())
                .isEqualTo("Bearer error=\"invalid_token\", error_description=\"the token is suspended\"");
        assertThat(get("/status/x", token.apply(0, "unknown")).statusCode()).as("list answers 404").isEqualTo(503);
    }
}
