package dev.keymint.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keymint.server.organizations.OrganizationBootstrapper.BootstrappedOrganization;
import dev.keymint.server.testsupport.AdminClient;
import dev.keymint.server.testsupport.KeymintServer;
import dev.keymint.server.testsupport.TokenClient;
import dev.keymint.server.testsupport.TokenClient.Response;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /admin/v1/keys/{id}/reroll}: a new secret under the same id, everything else kept,
 * the old secret for a bounded grace period, audited without secrets, and refused for keys the
 * caller may not change. (The grace period running out on every instance: KeyRerollAcrossInstancesTest.)
 */
class AdminKeyRerollTest {

    private static KeymintServer server;
    private static TokenClient tokens;
    private static AdminClient admin;
    private static AdminClient otherOrg;
    private static BootstrappedOrganization owner;

    @BeforeAll
    static void start() {
        server = KeymintServer.onFreshDatabase().start();
        tokens = new TokenClient(server.tokenEndpoint());
        owner = server.bootstrap("acme", "*:*");
        admin = AdminClient.of(server, owner);
        otherOrg = AdminClient.of(server, server.bootstrap("globex", "*:*"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void rerollKeepsIdScopesLimitsAndHistoryAndAuditsWithoutSecrets() {
        Response created = admin.post("/keys", "{\"name\": \"billing\", \"scopes\": [\"read:invoices/**\"],"
                + " \"rate_limit_per_minute\": 120, \"quota\": {\"limit\": 1000, \"period\": \"day\"}}");
        String id = created.field("id");
        String oldKey = created.field("api_key");
        assertThat(token(id, oldKey).status()).isEqualTo(200);
        String kept = "select name, scopes::text, rate_limit_per_minute, quota_limit, created_at, status_index"
                + " from api_keys where id = ?";
        Map<String, Object> before = server.row(kept, id);

        Response rerolled = reroll(admin, id, 3600);

        assertThat(rerolled.status()).as(rerolled.body()).isEqualTo(200);
        assertThat(rerolled.header("Cache-Control")).isEqualTo("no-store");
        String newKey = rerolled.field("api_key");
        assertThat(newKey).startsWith("kmk_" + id + "_").isNotEqualTo(oldKey);
        assertThat(rerolled.field("id")).isEqualTo(id);
        assertThat(rerolled.field("client_id")).isEqualTo(id);
        assertThat(rerolled.field("name")).isEqualTo("billing");
        assertThat(rerolled.json().get("rate_limit_per_minute").asInt()).isEqualTo(120);
        assertThat(rerolled.field("previous_secret_expires_at")).isNotNull();
        assertThat(server.row(kept, id)).isEqualTo(before);
        assertThat(token(id, newKey).status()).isEqualTo(200);
        assertThat(token(id, oldKey).status()).as("within the grace period").isEqualTo(200);
        assertThat(admin.get("/keys/" + id).body()).doesNotContain(newKey.substring(21)).doesNotContain("api_key");

        Map<String, Object> event = server.row("select action, before::text as before, after::text as after"
                + " from audit_events where target = ? order by id desc limit 1", id);
        assertThat(event.get("action")).isEqualTo("key.reroll");
        assertThat(event.get("after").toString()).contains("previous_secret_expires_at");
        String stored = server.row("select string_agg(t::text, ' ') as text from audit_events t where target = ?", id)
                .get("text").toString();
        for (String key : new String[] {oldKey, newKey}) {
            assertThat(stored).doesNotContain(key.substring(21));
        }
        assertThat(server.row("select secret_hash = sha256(convert_to(?, 'UTF8')) as current,"
                + " previous_secret_hash = sha256(convert_to(?, 'UTF8')) as previous from api_keys where id = ?",
                newKey, oldKey, id)).as("only digests are stored").isEqualTo(Map.of("current", true, "previous", true));
    }

    @Test
    void rerollWithoutGraceRefusesTheOldSecretAtOnceSayingItWasReplaced() {
        Response created = readKey("now");
        String id = created.field("id");
        String oldKey = created.field("api_key");

        String newKey = reroll(admin, id, 0).field("api_key");

        Response refused = token(id, oldKey);
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.field("error")).isEqualTo("invalid_client");
        assertThat(refused.field("error_description")).isEqualTo("The API key's secret was replaced; use the new API key");
        assertThat(token(id, newKey).status()).isEqualTo(200);
    }

    @Test
    void secondRerollDuringAGracePeriodEndsTheFirstSecretAtOnce() {
        Response created = readKey("twice");
        String id = created.field("id");
        String first = created.field("api_key");
        String second = reroll(admin, id, 3600).field("api_key");

        String third = reroll(admin, id, 3600).field("api_key");

        assertThat(token(id, first).status()).as("only one previous secret is kept").isEqualTo(401);
        assertThat(token(id, first).field("error_description")).isEqualTo("Unknown client or wrong API key");
        assertThat(token(id, second).status()).isEqualTo(200);
        assertThat(token(id, third).status()).isEqualTo(200);
    }

    @Test
    void rerollWhenGraceOutOfBoundsOrMissingThen400NamingTheFieldAndNothingChanged() {
        Response created = readKey("bounds");
        String id = created.field("id");
        String apiKey = created.field("api_key");

        for (String body : new String[] {"{\"grace_period_seconds\": 604801}", "{\"grace_period_seconds\": -1}",
                "{}", "{\"grace_period_seconds\": \"PT1H\"}", "{\"grace_period_seconds\": 60, \"extra\": 1}"}) {
            Response refused = admin.post("/keys/" + id + "/reroll", body);
            assertThat(refused.status()).as(body + " -> " + refused.body()).isEqualTo(400);
            assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
        }
        Response tooLong = reroll(admin, id, 604801);
        assertThat(tooLong.json().get("errors").toString()).contains("grace_period_seconds")
                .contains("must be an integer from 0 to 604800 (7 days)");
        assertThat(reroll(admin, id, 604800).status())
                .as("the bound itself is allowed").isEqualTo(200);
        assertThat(token(id, apiKey).status()).isEqualTo(200);
    }

    @Test
    void rerollOfAnotherOrganizationsKeyThen404AndTheKeyUnchanged() {
        Response created = readKey("mine");
        String id = created.field("id");

        Response refused = reroll(otherOrg, id, 0);

        assertThat(refused.status()).isEqualTo(404);
        assertThat(refused.body()).doesNotContain("api_key");
        assertThat(token(id, created.field("api_key")).status()).isEqualTo(200);
    }

    @Test
    void rerollByANarrowerAdminThen403NamingTheScopesNotHeld() {
        Response created = admin.post("/keys", "{\"name\": \"writer\", \"scopes\": [\"read:x\", \"write:x\"]}");
        String id = created.field("id");
        AdminClient narrower = AdminClient.of(server, owner, "admin:keys/** read:**");

        Response refused = reroll(narrower, id, 0);

        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.json().get("scopes_not_held").toString()).isEqualTo("[\"write:x\"]");
        assertThat(refused.body()).doesNotContain("api_key");
        assertThat(token(id, created.field("api_key")).status()).isEqualTo(200);
    }

    @Test
    void rerollOfARevokedKeyThen409AndOfADisabledKeyWorksOnceEnabled() {
        Response revoked = readKey("gone");
        admin.post("/keys/" + revoked.field("id") + "/revoke", null);
        Response disabled = readKey("paused");
        String pausedId = disabled.field("id");
        admin.post("/keys/" + pausedId + "/disable", null);

        Response conflict = reroll(admin, revoked.field("id"), 0);
        Response rerolled = reroll(admin, pausedId, 0);

        assertThat(conflict.status()).isEqualTo(409);
        assertThat(conflict.field("detail")).isEqualTo("The key is revoked; a revoked key cannot be rerolled");
        assertThat(rerolled.status()).isEqualTo(200);
        assertThat(rerolled.field("status")).isEqualTo("disabled");
        assertThat(token(pausedId, rerolled.field("api_key")).field("error_description")).isEqualTo("The API key is disabled");
        admin.post("/keys/" + pausedId + "/enable", null);
        assertThat(token(pausedId, rerolled.field("api_key")).status()).isEqualTo(200);
    }

    private static Response readKey(String name) {
        return admin.post("/keys", "{\"name\": \"" + name + "\", \"scopes\": [\"read:x\"]}");
    }

    private static Response reroll(AdminClient caller, String id, long graceSeconds) {
        return caller.post("/keys/" + id + "/reroll", "{\"grace_period_seconds\": " + graceSeconds + "}");
    }

    private static Response token(String id, String apiKey) {
        return tokens.basic(id, apiKey, "grant_type", "client_credentials");
    }
}
