package dev.keymint.sdk.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keymint.sdk.TokenFixture;
import dev.keymint.sdk.TokenVerifier;
import dev.keymint.sdk.UsageReporter;
import dev.keymint.sdk.UsageServer;
import jakarta.servlet.Filter;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;
import org.springframework.security.oauth2.server.resource.web.access.BearerTokenAccessDeniedHandler;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.security.web.access.ExceptionTranslationFilter;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.access.intercept.RequestMatcherDelegatingAuthorizationManager;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextHolderFilter;
import org.springframework.security.web.util.matcher.AnyRequestMatcher;

/**
 * The Spring adapter in Spring Security's own resource-server filters (what
 * {@code http.oauth2ResourceServer(...)} assembles), in an embedded Tomcat on 127.0.0.1, called over HTTP.
 */
class KeymintSpringHttpTest {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final UsageServer keymint = UsageServer.start();
    private UsageReporter reporter;
    private Tomcat tomcat;
    private String base;

    @BeforeEach
    void start() throws Exception {
        reporter = keymint.reporter().interval(Duration.ofHours(1)).build();
        TokenVerifier verifier = TokenVerifier.forIssuer(TokenFixture.ISSUER).jwks(TokenFixture.jwks(TokenFixture.KEY))
                .audience(TokenFixture.AUDIENCE).usageReporter(reporter).build();
        BearerTokenAuthenticationFilter bearer = new BearerTokenAuthenticationFilter(
                new ProviderManager(new JwtAuthenticationProvider(new KeymintJwtDecoder(verifier))));
        bearer.setAuthenticationEntryPoint(new KeymintAuthenticationEntryPoint());
        ExceptionTranslationFilter translation = new ExceptionTranslationFilter(new KeymintAuthenticationEntryPoint());
        translation.setAccessDeniedHandler(new BearerTokenAccessDeniedHandler());
        AuthorizationFilter authorization = new AuthorizationFilter(RequestMatcherDelegatingAuthorizationManager.builder()
                .add(AnyRequestMatcher.INSTANCE, KeymintAuthorization.require("read", "projects/42/docs")).build());

        tomcat = new Tomcat();
        File dir = Files.createTempDirectory("keymint-spring").toFile();
        tomcat.setBaseDir(dir.getAbsolutePath());
        tomcat.setHostname("127.0.0.1");
        tomcat.setPort(0);
        tomcat.getConnector().setProperty("address", "127.0.0.1");
        Context context = tomcat.addContext("", dir.getAbsolutePath());
        Tomcat.addServlet(context, "hello", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.getWriter().print("hello");
            }
        });
        context.addServletMappingDecoded("/*", "hello");
        int order = 0;
        for (Filter filter : new Filter[] {new SecurityContextHolderFilter(new RequestAttributeSecurityContextRepository()),
                bearer, translation, authorization}) {
            FilterDef def = new FilterDef();
            def.setFilterName("f" + order);
            def.setFilter(filter);
            context.addFilterDef(def);
            FilterMap map = new FilterMap();
            map.setFilterName("f" + order++);
            map.addURLPatternDecoded("/*");
            context.addFilterMap(map);
        }
        tomcat.start();
        base = "http://127.0.0.1:" + tomcat.getConnector().getLocalPort();
    }

    @AfterEach
    void stop() throws Exception {
        reporter.close();
        tomcat.stop();
        tomcat.destroy();
        keymint.close();
    }

    private HttpResponse<String> get(String token) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create(base + "/x")).header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void requestWhenKeyOverItsApiRateLimitThen429WithRetryAfterAndRateLimitedJson() throws Exception {
        String limited = TokenFixture.token(Instant.now()).claim("client_id", "key_a").claim("api_requests_per_minute", 1).build();
        assertThat(get(limited).statusCode()).isEqualTo(200);
        HttpResponse<String> refused = get(limited);
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(Integer.parseInt(refused.headers().firstValue("Retry-After").orElseThrow())).isBetween(1, 60);
        assertThat(refused.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/json");
        assertThat(refused.body()).isEqualTo(
                "{\"error\":\"rate_limited\",\"error_description\":\"the API key exceeded its limit of 1 requests per minute\"}");
    }

    @Test
    void requestWhenTokenBadOrScopeMissingThenSpringAnswersAsUsualAndEveryOutcomeIsReported() throws Exception {
        HttpResponse<String> expired = get(TokenFixture.token(Instant.now().minusSeconds(3600)).build());
        assertThat(expired.statusCode()).isEqualTo(401);
        assertThat(expired.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("invalid_token");
        HttpResponse<String> noScope = get(TokenFixture.token(Instant.now()).claim("client_id", "key_b")
                .claim("scope", "write:projects/1").claim("api_requests_per_minute", 3).build());
        assertThat(noScope.statusCode()).isEqualTo(403);
        assertThat(noScope.headers().firstValue("WWW-Authenticate").orElseThrow()).startsWith("Bearer");
        String ok = TokenFixture.token(Instant.now()).claim("client_id", "key_b").claim("api_requests_per_minute", 3).build();
        assertThat(get(ok).statusCode()).isEqualTo(200);
        assertThat(get(ok).statusCode()).isEqualTo(200);
        assertThat(get(ok).statusCode()).isEqualTo(429);
        reporter.close();
        assertThat(keymint.totals("key_b")).as("allowed, refused for scope, refused for rate, cost").containsExactly(2, 1, 1, 0);
    }
}
