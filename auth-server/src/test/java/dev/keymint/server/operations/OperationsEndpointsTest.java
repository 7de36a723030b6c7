package dev.keymint.server.operations;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keymint.server.keys.ApiKeyFixtures;
import dev.keymint.server.organizations.OrganizationBootstrapper.BootstrappedOrganization;
import dev.keymint.server.testsupport.AdminClient;
import dev.keymint.server.testsupport.KeymintServer;
import dev.keymint.server.testsupport.TokenClient;
import dev.keymint.server.testsupport.TokenClient.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * What an operator scrapes and alerts on: metrics only on the management port, never on the public
 * one; tokens issued and refused counted by reason; the token endpoint's latency as a histogram;
 * gauges for the key cache, the signing key and the database.
 */
class OperationsEndpointsTest {

    private static KeymintServer server;
    private static BootstrappedOrganization key;

    @BeforeAll
    static void start() {
        server = KeymintServer.onFreshDatabase().start();
        key = server.bootstrap("ops-co", "*:*");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void metricsOnManagementPortOnlyAndProbesOnBoth() {
        Response publicMetrics = TokenClient.get(server.baseUrl() + "/actuator/prometheus");
        Response managementMetrics = TokenClient.get(server.managementUrl() + "/actuator/prometheus");

        assertThat(publicMetrics.status()).isNotEqualTo(200);
        assertThat(publicMetrics.body()).doesNotContain("keymint_");
        assertThat(managementMetrics.status()).isEqualTo(200);
        assertThat(managementMetrics.body()).contains("keymint_tokens_waiting");
        assertThat(TokenClient.get(server.baseUrl() + "/livez").status()).isEqualTo(200);
        assertThat(TokenClient.get(server.baseUrl() + "/readyz").status()).isEqualTo(200);
        assertThat(TokenClient.get(server.managementUrl() + "/actuator/health/readiness").status()).isEqualTo(200);
    }

    @Test
    void tokensIssuedAndRefusedAreCountedByReasonAndTokenLatencyIsAHistogram() {
        String before = scrape();
        AdminClient admin = AdminClient.of(server, key);
        JsonNode worker = admin.post("/keys", "{\"name\": \"worker\", \"scopes\": [\"read:x/**\"]}").json();
        String id = worker.get("id").asString();
        String apiKey = worker.get("api_key").asString();
        TokenClient tokens = new TokenClient(server.tokenEndpoint());
        tokens.basic(id, apiKey, "grant_type", "client_credentials").accessToken();
        tokens.basic(id, ApiKeyFixtures.wellFormedKeyWithWrongSecret(id), "grant_type", "client_credentials");
        tokens.basic(id, apiKey, "grant_type", "client_credentials", "scope", "write:x");
        admin.post("/keys/" + id + "/disable", null);
        tokens.basic(id, apiKey, "grant_type", "client_credentials");
        String after = scrape();

        assertThat(delta(before, after, "keymint_tokens_issued_total")).as("admin token and worker token").isEqualTo(2);
        assertThat(delta(before, after, "keymint_tokens_refused_total", "reason=\"invalid_client\"")).isEqualTo(1);
        assertThat(delta(before, after, "keymint_tokens_refused_total", "reason=\"invalid_scope\"")).isEqualTo(1);
        assertThat(delta(before, after, "keymint_tokens_refused_total", "reason=\"disabled\"")).isEqualTo(1);
        assertThat(delta(before, after, "keymint_tokens_refused_total", "reason=\"revoked\"")).isZero();
        assertThat(after).containsPattern("http_server_requests_seconds_bucket\\{[^}]*uri=\"/oauth/token\"[^}]*le=\"0\\.0");
    }

    @Test
    void gaugesForKeyCacheSigningKeyAndDatabase() throws InterruptedException {
        new TokenClient(server.tokenEndpoint()).basic(key.clientId(), key.apiKey(), "grant_type", "client_credentials")
                .accessToken();
        Instant deadline = Instant.now().plusSeconds(30);
        while (Double.isNaN(value(scrape(), "keymint_keys_cache_confirmation_age_seconds")) && Instant.now().isBefore(deadline)) {
            Thread.sleep(50);
        }
        String metrics = scrape();

        assertThat(value(metrics, "keymint_keys_cache_confirmation_age_seconds")).isBetween(0.0, 30.0);
        assertThat(value(metrics, "keymint_keys_cache_entries")).isGreaterThanOrEqualTo(0);
        assertThat(value(metrics, "keymint_signing_key_age_seconds")).isBetween(0.0, 3600.0);
        assertThat(value(metrics, "keymint_signing_rotation_due_in_seconds"))
                .isBetween((double) Duration.ofDays(30).minusHours(1).toSeconds(), (double) Duration.ofDays(30).toSeconds());
        assertThat(value(metrics, "keymint_database_reachable")).isEqualTo(1.0);
    }

    private static String scrape() {
        return TokenClient.get(server.managementUrl() + "/actuator/prometheus").body();
    }

    private static double delta(String before, String after, String name, String... labels) {
        return value(after, name, labels) - value(before, name, labels);
    }

    /** The one sample of {@code name} whose labels include every one of {@code labels}. */
    private static double value(String scrape, String name, String... labels) {
        return scrape.lines()
                .filter(line -> line.startsWith(name + " ") || line.startsWith(name + "{"))
                .filter(line -> Arrays.stream(labels).allMatch(line::contains))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .reduce((a, b) -> {
                    throw new AssertionError("More than one sample of " + name + " with " + Arrays.toString(labels));
                })
                .orElseThrow(() -> new AssertionError("No sample of " + name + " with " + Arrays.toString(labels)));
    }
}
