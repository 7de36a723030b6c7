package dev.keymint.server.usage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keymint.sdk.Scope;
import dev.keymint.sdk.TokenVerifier;
import dev.keymint.sdk.UsageReporter;
import dev.keymint.sdk.servlet.BearerTokenFilter;
import dev.keymint.server.testsupport.AdminClient;
import dev.keymint.server.testsupport.KeymintServer;
import dev.keymint.server.testsupport.SettableClock;
import dev.keymint.server.testsupport.TokenClient;
import dev.keymint.server.testsupport.TokenClient.Response;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.function.BooleanSupplier;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Issue 12's "Show", end to end: Keymint, and a resource server (embedded Tomcat) protected by
 * resource-sdk's servlet filter with a usage reporter sending every 300 ms. Counts reach the usage
 * API, last_used_at moves, a request budget of 100 refuses the key at the resource server (through
 * the status list) and at the token endpoint, the next period serves it again, and an outage of
 * Keymint neither stops the resource server nor loses or doubles a request.
 */
class ReportedUsageEndToEndTest {

    private static final Duration REPORT_INTERVAL = Duration.ofMillis(300);
    /** Upper bound for "within one interval (plus a status list ttl, or the reporter's back-off after an outage)" on this loaded machine; never slept. */
    private static final Duration PATIENCE = Duration.ofSeconds(90);

    @Test
    void reportedRequestsBudgetsResetAndAnOutageOfKeymint() throws Exception {
        int port = freePort();
        SettableClock clock = new SettableClock();
        KeymintServer.Builder builder = KeymintServer.onFreshDatabase().clock(clock)
                .property("server.port", port)
                .property("keymint.issuer", "http://127.0.0.1:" + port)
                .property("keymint.status.ttl", "1s")
                .property("keymint.status.validity", "10m");
        KeymintServer keymint = builder.start();
        AdminClient admin = AdminClient.of(keymint, keymint.bootstrap("acme", "*:*"));
        JsonNode reporterKey = admin.post("/keys", "{\"name\": \"orders API\", \"scopes\": [\"admin:usage-reports/**\"]}").json();
        JsonNode customer = admin.post("/keys", "{\"name\": \"customer\", \"scopes\": [\"read:orders/**\"]}").json();
        String customerId = customer.get("id").asString();
        String customerSecret = customer.get("api_key").asString();
        TokenClient tokens = new TokenClient(keymint.tokenEndpoint());

        UsageReporter reporter = UsageReporter.forIssuer(keymint.issuer())
                .credentials(reporterKey.get("id").asString(), reporterKey.get("api_key").asString())
                .interval(REPORT_INTERVAL).allowPlainHttp().build();
        TokenVerifier verifier = TokenVerifier.forIssuer(keymint.issuer()).allowPlainHttp().audience("keymint")
                .clock(clock).statusListRefresh(Duration.ofSeconds(1), Duration.ofSeconds(2))
                .usageReporter(reporter).build();
        Tomcat api = resourceServer(BearerTokenFilter.requiring(verifier, Scope.parse("read:orders/**")));
        String orders = "http://127.0.0.1:" + api.getConnector().getLocalPort() + "/orders";
        try {
            // N calls -> the usage API shows N; last_used_at moves.
            Instant before = Instant.now().minusSeconds(1);
            String token = tokens.basic(customerId, customerSecret, "grant_type", "client_credentials").accessToken();
            for (int i = 0; i < 40; i++) {
                assertThat(call(orders, token)).isEqualTo(200);
            }
            await(() -> allowed(admin, customerId) == 40);
            assertThat(Instant.parse(admin.get("/usage/keys/" + customerId).json().get("last_used_at").asString()))
                    .isAfter(before);

            // Keymint stopped during traffic: the resource server keeps serving; nothing lost, nothing doubled.
            keymint.close();
            for (int i = 0; i < 30; i++) {
                assertThat(call(orders, token)).isEqualTo(200);
            }
            keymint = KeymintServer.onDatabase(builder.jdbcUrl()).masterKey(builder.masterKey()).clock(clock)
                    .property("server.port", port)
                    .property("keymint.issuer", "http://127.0.0.1:" + port)
                    .property("keymint.status.ttl", "1s")
                    .property("keymint.status.validity", "10m")
                    .start();
            AdminClient adminAgain = admin; // its token is still valid: same signing keys, same issuer
            await(() -> allowed(adminAgain, customerId) == 70);

            // A request budget of 100: call 101 and later are refused at the resource server, 429 at the token endpoint.
            adminAgain.patch("/keys/" + customerId, "{\"request_budget\": {\"limit\": 100, \"period\": \"day\"}}");
            for (int i = 0; i < 30; i++) {
                assertThat(call(orders, token)).isEqualTo(200);
            }
            await(() -> call(orders, token) == 401);
            Response refused = tokens.basic(customerId, customerSecret, "grant_type", "client_credentials");
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.field("error")).isEqualTo("quota_exceeded");
            assertThat(refused.header("Retry-After")).isNotNull();
            assertThat(allowed(adminAgain, customerId)).isGreaterThanOrEqualTo(100);

            // The next day the key is served again, with nothing written at the reset.
            clock.jumpTo(LocalDate.now(ZoneOffset.UTC).plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().plusSeconds(5));
            String nextDay = tokens.basic(customerId, customerSecret, "grant_type", "client_credentials").accessToken();
            await(() -> call(orders, nextDay) == 200);
        } finally {
            api.stop();
            api.destroy();
            reporter.close();
            keymint.close();
        }
    }

    private static long allowed(AdminClient admin, String keyId) {
        return admin.get("/usage/keys/" + keyId).json().get("api_totals").get("allowed").asLong();
    }

    private static int call(String url, String token) {
        return TokenClient.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
                .GET().build()).status();
    }

    /** Polls until the condition holds; fails after {@link #PATIENCE}. */
    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition not met within " + PATIENCE).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static Tomcat resourceServer(BearerTokenFilter filter) throws Exception {
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(Files.createTempDirectory("resource-server").toString());
        tomcat.setPort(0);
        Context context = tomcat.addContext("", null);
        Tomcat.addServlet(context, "orders", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
                response.setContentType("application/json");
                response.getWriter().write("{\"orders\": []}");
            }
        });
        context.addServletMappingDecoded("/*", "orders");
        FilterDef definition = new FilterDef();
        definition.setFilterName("keymint");
        definition.setFilter(filter);
        context.addFilterDef(definition);
        FilterMap mapping = new FilterMap();
        mapping.setFilterName("keymint");
        mapping.addURLPattern("/*");
        context.addFilterMap(mapping);
        tomcat.getConnector();
        tomcat.start();
        return tomcat;
    }
}
