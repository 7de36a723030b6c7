package dev.keymint.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keymint.server.testsupport.AdminClient;
import dev.keymint.server.testsupport.KeymintServer;
import dev.keymint.server.testsupport.TokenClient;
import dev.keymint.server.testsupport.TokenClient.Response;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * An edit that narrows a key used in the last 24 hours says what its callers lose, over real HTTP
 * against a real PostgreSQL; a dry run changes nothing. The server trusts the loopback as a proxy,
 * so a test caller can come from 203.0.113.7.
 */
class EditWarningsTest {

    private static final String FAR_ADDRESS = "203.0.113.7";

    private static KeymintServer server;
    private static AdminClient admin;
    private static AdminClient otherOrganization;

    @BeforeAll
    static void start() {
        server = KeymintServer.onFreshDatabase().property("keymint.trusted-proxies", "127.0.0.0/8, ::1/128").start();
        admin = AdminClient.of(server, server.bootstrap("acme", "*:*"));
        otherOrganization = AdminClient.of(server, server.bootstrap("globex", "*:*"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void narrowingAUsedScopeWarnsWithTheCountOfTokensThatCarriedIt() {
        Key key = create("{\"name\": \"narrow scope\", \"scopes\": [\"read:projects/**\", \"write:projects/**\"]}");
        for (int i = 0; i < 3; i++) {
            key.token(null, null);
        }
        key.token(null, "read:projects/42");

        Response edited = admin.patch("/keys/" + key.id, "{\"scopes\": [\"read:projects/**\"]}");

        assertThat(edited.status()).isEqualTo(200);
        assertThat(messages(edited)).containsExactly(
                "scope write:projects/** was carried by 3 tokens in the last 24 h; the new scopes do not cover it");
        assertThat(edited.json().get("warnings").get(0).get("code").asString()).isEqualTo("scope");
        assertThat(edited.json().get("dry_run").asBoolean()).isFalse();
        JsonNode audited = lastAuditEvent(key.id);
        assertThat(audited.get("action").asString()).isEqualTo("key.update");
        assertThat(audited.get("warnings").get(0).get("message").asString()).startsWith("scope write:projects/** was carried by 3 tokens");
    }

    @Test
    void removingAScopeNoTokenCarriedDoesNotWarn() {
        Key key = create("{\"name\": \"unused scope\", \"scopes\": [\"read:docs/**\", \"write:docs/**\"]}");
        key.token(null, "read:docs/**");
        key.token(null, "read:docs/7");

        Response edited = admin.patch("/keys/" + key.id, "{\"scopes\": [\"read:docs/**\"]}");

        assertThat(edited.status()).isEqualTo(200);
        assertThat(messages(edited)).isEmpty();
        assertThat(lastAuditEvent(key.id).has("warnings")).isFalse();
    }

    @Test
    void narrowingTheAllowedRangesWarnsOfARecentAddressOutsideThem() {
        Key key = create("{\"name\": \"narrow cidrs\", \"scopes\": [\"read:x/**\"]}");
        key.token(FAR_ADDRESS, null);
        key.token(FAR_ADDRESS, null);
        key.token(null, null);

        Response edited = admin.patch("/keys/" + key.id, "{\"allowed_cidrs\": [\"127.0.0.0/8\"]}");

        assertThat(messages(edited)).containsExactly("address 203.0.113.7 sent token requests in the last 24 h "
                + "(2 tokens issued) and is outside the new allowed ranges");
        assertThat(key.token(FAR_ADDRESS, null).status()).isEqualTo(401);
    }

    @Test
    void pastTheTrackingCapAddressesAreSummedUpNotNamed() {
        Key key = create("{\"name\": \"many callers\", \"scopes\": [\"read:x/**\"]}");
        for (int i = 1; i <= 102; i++) {
            assertThat(key.token("198.51.100." + i, null).status()).isEqualTo(200);
        }

        List<String> warnings = messages(admin.patch("/keys/" + key.id + "?dry_run=true", "{\"allowed_cidrs\": [\"127.0.0.0/8\"]}"));

        assertThat(warnings).hasSize(12);
        assertThat(warnings.subList(0, 10)).allMatch(message -> message.matches(
                "address 198\\.51\\.100\\.\\d+ sent token requests in the last 24 h \\(1 token issued\\) and is outside the new allowed ranges"));
        assertThat(warnings.get(10)).isEqualTo("and 90 more addresses (90 tokens) lose access in the same way");
        assertThat(warnings.get(11)).isEqualTo("2 tokens in the last 24 h went to addresses too many to track one by one; "
                + "some of them may be outside the new allowed ranges");
    }

    @Test
    void pastTheTrackingCapScopesAreSummedUpNotNamed() {
        Key key = create("{\"name\": \"many scopes\", \"scopes\": [\"read:projects/**\", \"write:projects/**\"]}");
        for (int i = 1; i <= 102; i++) {
            assertThat(key.token(null, "read:projects/" + i).status()).isEqualTo(200);
        }
        key.token(null, "read:projects/1");

        List<String> warnings = messages(admin.patch("/keys/" + key.id + "?dry_run=true", "{\"scopes\": [\"write:projects/**\"]}"));

        assertThat(warnings).hasSize(12);
        assertThat(warnings.get(0)).isEqualTo(
                "scope read:projects/1 was carried by 2 tokens in the last 24 h; the new scopes do not cover it");
        assertThat(warnings.subList(1, 10)).allMatch(message -> message.matches(
                "scope read:projects/\\d+ was carried by 1 token in the last 24 h; the new scopes do not cover it"));
        assertThat(warnings.get(10)).isEqualTo("and 90 more scopes (90 tokens) lose access in the same way");
        assertThat(warnings.get(11)).isEqualTo("2 tokens in the last 24 h carried scopes too many to track one by one; "
                + "some of them may not be covered by the new scopes");
    }

    @Test
    void aRateLimitBelowTheRecentPeakWarns() {
        Key key = create("{\"name\": \"rate\", \"scopes\": [\"read:x/**\"]}");
        for (int i = 0; i < 3; i++) {
            key.token(null, null);
        }

        Response edited = admin.patch("/keys/" + key.id + "?dry_run=true", "{\"rate_limit_per_minute\": 1}");

        assertThat(messages(edited)).singleElement().asString().startsWith("the new rate limit 1/min is below the peak ")
                .endsWith("/min of the last 24 h");
    }

    @Test
    void aQuotaBelowTheLastDaysTokensAndAnExpiryWithin24HoursWarn() {
        Key key = create("{\"name\": \"quota\", \"scopes\": [\"read:x/**\"]}");
        for (int i = 0; i < 3; i++) {
            key.token(null, null);
        }
        String soon = Instant.now().plus(Duration.ofHours(2)).truncatedTo(ChronoUnit.SECONDS).toString();

        Response dry = admin.patch("/keys/" + key.id + "?dry_run=true",
                "{\"quota\": {\"limit\": 2, \"period\": \"day\"}, \"expires_at\": \"" + soon + "\"}");

        assertThat(messages(dry)).containsExactly(
                "the new quota of 2 tokens per day is below the 3 tokens issued in the last 24 h",
                "the key will expire at " + soon + ", within 24 h: its callers lose access then");
    }

    @Test
    void wideningNeverWarns() {
        Key key = create("""
                {"name": "widen", "scopes": ["read:a/**"], "allowed_cidrs": ["127.0.0.0/8"],
                 "rate_limit_per_minute": 2, "quota": {"limit": 2, "period": "day"}}
                """);
        key.token(null, null);
        key.token(null, null);

        Response edited = admin.patch("/keys/" + key.id, """
                {"scopes": ["read:a/**", "read:b/**"], "allowed_cidrs": ["127.0.0.0/8", "203.0.113.0/24"],
                 "rate_limit_per_minute": 100, "quota": {"limit": 1000, "period": "day"}}
                """);

        assertThat(edited.status()).isEqualTo(200);
        assertThat(messages(edited)).isEmpty();
    }

    @Test
    void aKeyNotUsedInTheLast24HoursNeverWarns() {
        Key key = create("{\"name\": \"idle\", \"scopes\": [\"read:a/**\", \"write:a/**\"]}");

        Response edited = admin.patch("/keys/" + key.id, "{\"scopes\": [\"read:a/**\"], \"rate_limit_per_minute\": 1}");

        assertThat(messages(edited)).isEmpty();
    }

    @Test
    void dryRunAnswersTheWouldBeKeyAndWarningsAndChangesNothing() throws Exception {
        Key key = create("{\"name\": \"dry\", \"scopes\": [\"read:projects/**\", \"write:projects/**\"]}");
        key.token(null, null);
        int auditEvents = auditEvents(key.id).size();

        Response dry = admin.patch("/keys/" + key.id + "?dry_run=true", "{\"scopes\": [\"read:projects/**\"], \"name\": \"renamed\"}");

        assertThat(dry.status()).isEqualTo(200);
        assertThat(dry.json().get("dry_run").asBoolean()).isTrue();
        assertThat(dry.field("name")).isEqualTo("renamed");
        assertThat(dry.json().get("scopes").toString()).isEqualTo("[\"read:projects/**\"]");
        assertThat(messages(dry)).containsExactly(
                "scope write:projects/** was carried by 1 token in the last 24 h; the new scopes do not cover it");
        Response stored = admin.get("/keys/" + key.id);
        assertThat(stored.field("name")).isEqualTo("dry");
        assertThat(stored.json().get("scopes").toString()).isEqualTo("[\"read:projects/**\",\"write:projects/**\"]");
        assertThat(auditEvents(key.id)).hasSize(auditEvents);
        assertThat(key.token(null, null).field("scope")).isEqualTo("read:projects/** write:projects/**");
    }

    @Test
    void dryRunMustBeTrueOrFalse() {
        Key key = create("{\"name\": \"bad flag\", \"scopes\": [\"read:a/**\"]}");

        Response refused = admin.patch("/keys/" + key.id + "?dry_run=yes", "{\"name\": \"x\"}");

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
        assertThat(refused.body()).contains("dry_run must be true or false");
        assertThat(admin.get("/keys/" + key.id).field("name")).isEqualTo("bad flag");
    }

    @Test
    void anotherOrganizationCannotDryRunAnEditOfTheKey() {
        Key key = create("{\"name\": \"isolated\", \"scopes\": [\"read:a/**\", \"write:a/**\"]}");
        key.token(null, null);

        Response foreign = otherOrganization.patch("/keys/" + key.id + "?dry_run=true", "{\"scopes\": [\"read:a/**\"]}");

        assertThat(foreign.status()).isEqualTo(404);
        assertThat(foreign.body()).doesNotContain("write:a");
    }

    private static Key create(String json) {
        Response created = admin.post("/keys", json);
        assertThat(created.status()).isEqualTo(201);
        return new Key(created.field("id"), created.field("api_key"));
    }

    private static List<String> messages(Response edited) {
        List<String> messages = new ArrayList<>();
        edited.json().get("warnings").forEach(warning -> messages.add(warning.get("message").asString()));
        return messages;
    }

    private static List<JsonNode> auditEvents(String keyId) {
        List<JsonNode> events = new ArrayList<>();
        admin.get("/audit?limit=100").json().get("items").forEach(event -> {
            if (keyId.equals(event.get("target").asString())) {
                events.add(event);
            }
        });
        return events;
    }

    private static JsonNode lastAuditEvent(String keyId) {
        return auditEvents(keyId).get(0);
    }

    private record Key(String id, String apiKey) {

        /** A token for the key, from {@code forwardedFor} (through the trusted loopback proxy) when not null. */
        Response token(String forwardedFor, String scope) {
            String credentials = id + ":" + apiKey;
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.tokenEndpoint()))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Authorization", "Basic " + Base64.getEncoder()
                            .encodeToString(credentials.getBytes(StandardCharsets.UTF_8)))
                    .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"
                            + (scope == null ? "" : "&scope=" + URLEncoder.encode(scope, StandardCharsets.UTF_8))));
            if (forwardedFor != null) {
                request.header("X-Forwarded-For", forwardedFor);
            }
            return TokenClient.send(request.build());
        }
    }
}
