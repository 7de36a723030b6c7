package dev.keymint.server.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keymint.server.keys.ApiKeyFixtures;
import dev.keymint.server.testsupport.AdminClient;
import dev.keymint.server.testsupport.KeymintServer;
import dev.keymint.server.testsupport.TokenClient;
import dev.keymint.server.testsupport.TokenClient.Response;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Usage counts by outcome, the append-only audit trail, and changes that reach the token endpoint
 * of another instance at once; two instances on one PostgreSQL.
 */
class AdminUsageAuditTest {

    @AutoClose
    private static KeymintServer first;
    @AutoClose
    private static KeymintServer second;
    private static AdminClient admin;

    @BeforeAll
    static void start() {
        KeymintServer.Builder builder = KeymintServer.onFreshDatabase();
        first = builder.start();
        second = builder.start();
        admin = AdminClient.of(first, first.bootstrap("acme", "*:*"));
    }

    @Test
    void disableRevokeAndScopeEditOnOneInstanceTakeEffectOnTheOtherForTheNextToken() {
        JsonNode key = admin.post("/keys", "{\"name\": \"shared\", \"scopes\": [\"read:a/**\", \"read:b/**\"]}").json();
        String id = key.get("id").asString();
        String apiKey = key.get("api_key").asString();
        TokenClient onSecond = new TokenClient(second.tokenEndpoint());
        assertThat(onSecond.basic(id, apiKey, "grant_type", "client_credentials").status()).isEqualTo(200);

        admin.patch("/keys/" + id, "{\"scopes\": [\"read:a/**\"]}");
        assertThat(onSecond.basic(id, apiKey, "grant_type", "client_credentials").field("scope")).isEqualTo("read:a/**");

        admin.post("/keys/" + id + "/disable", null);
        assertThat(onSecond.basic(id, apiKey, "grant_type", "client_credentials").field("error_description"))
                .isEqualTo("The API key is disabled");

        admin.post("/keys/" + id + "/revoke", null);
        assertThat(onSecond.basic(id, apiKey, "grant_type", "client_credentials").field("error_description"))
                .isEqualTo("The API key is revoked");
    }

    @Test
    void usageCountsIssuedTokensAndRejectionsByReasonPerKeyAndOrganization() {
        JsonNode key = admin.post("/keys", "{\"name\": \"counted\", \"scopes\": [\"read:x/**\"]}").json();
        String id = key.get("id").asString();
        String apiKey = key.get("api_key").asString();
        TokenClient tokens = new TokenClient(first.tokenEndpoint());
        tokens.basic(id, apiKey, "grant_type", "client_credentials").accessToken();
        tokens.basic(id, apiKey, "grant_type", "client_credentials").accessToken();
        tokens.basic(id, apiKey, "grant_type", "client_credentials", "scope", "write:x");
        tokens.basic(id, ApiKeyFixtures.wellFormedKeyWithWrongSecret(id), "grant_type", "client_credentials");
        admin.post("/keys/" + id + "/disable", null);
        tokens.basic(id, apiKey, "grant_type", "client_credentials");

        Response keyUsage = admin.get("/usage/keys/" + id);
        Response orgUsage = admin.get("/usage");

        assertThat(keyUsage.status()).isEqualTo(200);
        JsonNode totals = keyUsage.json().get("totals");
        assertThat(totals.get("issued").asLong()).isEqualTo(2);
        assertThat(totals.get("invalid_scope").asLong()).isEqualTo(1);
        assertThat(totals.get("wrong_secret").asLong()).isEqualTo(1);
        assertThat(totals.get("disabled").asLong()).isEqualTo(1);
        assertThat(keyUsage.field("last_used_at")).isNotBlank();
        assertThat(keyUsage.json().get("hours").get(0).get("counts").get("issued").asLong()).isEqualTo(2);
        assertThat(orgUsage.json().get("totals").get("issued").asLong()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void everyAdminChangeIsInTheAppendOnlyAuditTrail() {
        String id = admin.post("/keys", "{\"name\": \"audited\", \"scopes\": [\"read:x\"]}").field("id");
        admin.patch("/keys/" + id, "{\"name\": \"audited 2\"}");
        admin.post("/keys/" + id + "/disable", null);
        admin.post("/keys/" + id + "/enable", null);
        admin.post("/keys/" + id + "/revoke", null);
        admin.delete("/keys/" + id);

        Response page = admin.get("/audit?limit=6");
        JsonNode items = page.json().get("items");

        assertThat(page.status()).isEqualTo(200);
        assertThat(items).hasSize(6);
        assertThat(items.get(0).get("action").asString()).isEqualTo("key.delete");
        assertThat(items.get(4).get("action").asString()).isEqualTo("key.update");
        assertThat(items.get(4).get("before").get("name").asString()).isEqualTo("audited");
        assertThat(items.get(4).get("after").get("name").asString()).isEqualTo("audited 2");
        assertThat(items.get(5).get("action").asString()).isEqualTo("key.create");
        assertThat(items.get(5).get("target").asString()).isEqualTo(id);
        assertThat(items.get(5).get("client_address").asString()).isEqualTo("127.0.0.1");
        assertThat(items.get(5).get("actor_key_id").asString()).hasSize(16);
        assertThat(page.body()).doesNotContain("api_key").doesNotContain("secret");
        String next = admin.get("/audit?limit=3").field("next_cursor");
        Response second = admin.get("/audit?limit=3&cursor=" + next);
        assertThat(second.json().get("items").get(0).get("action").asString()).isEqualTo("key.disable");

        assertThatThrownBy(() -> first.jdbc().sql("update audit_events set action = 'x'").update())
                .hasMessageContaining("append-only");
        assertThatThrownBy(() -> first.jdbc().sql("delete from audit_events").update())
                .hasMessageContaining("append-only");
    }
}
