package dev.keymint.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keymint.server.organizations.OrganizationBootstrapper.BootstrappedOrganization;
import dev.keymint.server.testsupport.AdminClient;
import dev.keymint.server.testsupport.KeymintServer;
import dev.keymint.server.testsupport.TokenClient;
import dev.keymint.server.testsupport.TokenClient.Response;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The key lifecycle through {@code /admin/v1/keys}, over real HTTP against a real PostgreSQL. */
class AdminKeysTest {

    @AutoClose
    private static KeymintServer server;
    private static TokenClient tokens;
    private static AdminClient admin;

    @BeforeAll
    static void start() {
        server = KeymintServer.onFreshDatabase().start();
        tokens = new TokenClient(server.tokenEndpoint());
        admin = AdminClient.of(server, server.bootstrap("acme", "*:*"));
    }

    @Test
    void createKeyThenSecretShownOnceAndKeyWorksAtTokenEndpoint() throws Exception {
        Response created = admin.post("/keys", """
                {"name": "ci deploy", "scopes": ["read:projects/**", "write:projects/42/**"],
                 "expires_at": "2031-01-01T00:00:00Z", "allowed_cidrs": ["127.0.0.0/8", "2001:db8::/32"],
                 "rate_limit_per_minute": 100, "quota": {"limit": 1000, "period": "day"},
                 "team": "platform", "owner": "alice@example.com"}
                """);

        assertThat(created.status()).isEqualTo(201);
        assertThat(created.header("Cache-Control")).contains("no-store");
        String id = created.field("id");
        String apiKey = created.field("api_key");
        assertThat(apiKey).startsWith("kmk_" + id + "_");
        assertThat(created.field("masked_key")).isEqualTo("kmk_" + id + "_…");
        assertThat(created.json().get("quota").get("period").asString()).isEqualTo("day");
        assertThat(created.json().get("allowed_cidrs").toString()).isEqualTo("[\"127.0.0.0/8\",\"2001:db8::/32\"]");

        Response shown = admin.get("/keys/" + id);
        assertThat(shown.status()).isEqualTo(200);
        assertThat(shown.body()).doesNotContain(apiKey.substring(4 + 17)).doesNotContain("secret").doesNotContain("hash");
        assertThat(shown.field("api_key")).isNull();
        assertThat(shown.field("status")).isEqualTo("active");
        assertThat(shown.field("team")).isEqualTo("platform");

        Response token = tokens.basic(id, apiKey, "grant_type", "client_credentials");
        assertThat(token.status()).isEqualTo(200);
        assertThat(com.nimbusds.jwt.SignedJWT.parse(token.accessToken()).getJWTClaimsSet().getStringClaim("team"))
                .isEqualTo("platform");
    }

    @Test
    void disableThenTokenRefusedEnableThenTokenAgain() {
        JsonNode key = create("toggle", "read:x/**");
        String id = key.get("id").asString();

        assertThat(admin.post("/keys/" + id + "/disable", null).field("status")).isEqualTo("disabled");
        Response refused = tokens.basic(id, key.get("api_key").asString(), "grant_type", "client_credentials");
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.field("error_description")).isEqualTo("The API key is disabled");

        assertThat(admin.post("/keys/" + id + "/enable", null).field("status")).isEqualTo("active");
        assertThat(tokens.basic(id, key.get("api_key").asString(), "grant_type", "client_credentials").status())
                .isEqualTo(200);
    }

    @Test
    void revokeIsPermanentAndListedSeparately() {
        JsonNode key = create("to revoke", "read:x/**");
        String id = key.get("id").asString();

        assertThat(admin.post("/keys/" + id + "/revoke", null).field("status")).isEqualTo("revoked");
        Response enable = admin.post("/keys/" + id + "/enable", null);
        Response edit = admin.patch("/keys/" + id, "{\"name\": \"back\"}");
        Response again = admin.post("/keys/" + id + "/revoke", null);

        assertThat(enable.status()).isEqualTo(409);
        assertThat(enable.header("Content-Type")).startsWith("application/problem+json");
        assertThat(edit.status()).isEqualTo(409);
        assertThat(again.status()).isEqualTo(409);
        assertThat(tokens.basic(id, key.get("api_key").asString(), "grant_type", "client_credentials")
                .field("error_description")).isEqualTo("The API key is revoked");
        assertThat(ids(admin.get("/keys"))).doesNotContain(id);
        assertThat(ids(admin.get("/keys?status=revoked"))).contains(id);
        assertThat(ids(admin.get("/keys?status=all"))).contains(id);
    }

    @Test
    void patchChangesScopesCidrsExpiryAndLimitsForTheNextToken() {
        JsonNode key = create("editable", "read:docs/**");
        String id = key.get("id").asString();
        String apiKey = key.get("api_key").asString();

        Response patched = admin.patch("/keys/" + id, """
                {"name": "edited", "scopes": ["read:docs/7"], "allowed_cidrs": ["10.0.0.0/8"],
                 "rate_limit_per_minute": 5, "quota": null, "expires_at": "2031-05-01T12:00:00Z"}
                """);

        assertThat(patched.status()).isEqualTo(200);
        assertThat(patched.field("name")).isEqualTo("edited");
        assertThat(patched.json().get("scopes").toString()).isEqualTo("[\"read:docs/7\"]");
        assertThat(patched.json().get("rate_limit_per_minute").asInt()).isEqualTo(5);
        assertThat(tokens.basic(id, apiKey, "grant_type", "client_credentials").field("error_description"))
                .isEqualTo("The API key may not be used from address 127.0.0.1");

        admin.patch("/keys/" + id, "{\"allowed_cidrs\": null}");
        Response token = tokens.basic(id, apiKey, "grant_type", "client_credentials");
        assertThat(token.field("scope")).isEqualTo("read:docs/7");
    }

    @Test
    void createWhenScopeNotHeldByCallerThen403AndNothingWritten() {
        BootstrappedOrganization limited = server.bootstrap("limited-co", "admin:keys/**", "read:projects/**");
        AdminClient limitedAdmin = AdminClient.of(server, limited);
        long before = keyCount();

        Response broader = limitedAdmin.post("/keys", "{\"name\": \"x\", \"scopes\": [\"read:*\"]}");
        Response escalate = limitedAdmin.post("/keys", "{\"name\": \"x\", \"scopes\": [\"admin:*\"]}");
        Response within = limitedAdmin.post("/keys", "{\"name\": \"x\", \"scopes\": [\"read:projects/1/**\"]}");

        assertThat(broader.status()).isEqualTo(403);
        assertThat(broader.header("Content-Type")).startsWith("application/problem+json");
        assertThat(broader.field("detail")).contains("read:*");
        assertThat(escalate.status()).isEqualTo(403);
        assertThat(within.status()).isEqualTo(201);
        assertThat(keyCount()).isEqualTo(before + 1);

        String id = within.field("id");
        Response patchBroader = limitedAdmin.patch("/keys/" + id, "{\"scopes\": [\"write:projects/**\"]}");
        assertThat(patchBroader.status()).isEqualTo(403);
    }

    @Test
    void listFiltersSearchesAndPagesWithAStableCursor() {
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            created.add(create("paged-" + i, "read:p/**").get("id").asString());
        }
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            Response page = admin.get("/keys?name=PAGED-&limit=3" + (cursor == null ? "" : "&cursor=" + cursor));
            assertThat(page.status()).isEqualTo(200);
            seen.addAll(ids(page));
            cursor = page.field("next_cursor");
            pages++;
            if (pages == 1) {
                create("paged-late", "read:p/**"); // a new key must not shift later pages
            }
        } while (cursor != null);

        assertThat(pages).isEqualTo(3);
        java.util.Collections.reverse(created);
        assertThat(seen).containsExactlyElementsOf(created);
        assertThat(admin.get("/keys?status=disabled").status()).isEqualTo(200);
        assertThat(admin.get("/keys?status=expired").status()).isEqualTo(200);
    }

    @Test
    void deleteWhenUsedInLast24HoursNeedsConfirmation() {
        JsonNode key = create("to delete", "read:x/**");
        String id = key.get("id").asString();
        tokens.basic(id, key.get("api_key").asString(), "grant_type", "client_credentials").accessToken();

        Response refused = admin.delete("/keys/" + id);
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.field("last_used_at")).isNotBlank();
        assertThat(admin.get("/keys/" + id).status()).isEqualTo(200);

        assertThat(admin.delete("/keys/" + id + "?confirm=true").status()).isEqualTo(204);
        assertThat(admin.get("/keys/" + id).status()).isEqualTo(404);

        String unused = create("never used", "read:x/**").get("id").asString();
        assertThat(admin.delete("/keys/" + unused).status()).isEqualTo(204);
    }

    private static JsonNode create(String name, String scope) {
        Response response = admin.post("/keys", "{\"name\": \"" + name + "\", \"scopes\": [\"" + scope + "\"]}");
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        return response.json();
    }

    private static List<String> ids(Response page) {
        List<String> ids = new ArrayList<>();
        page.json().get("items").forEach(item -> ids.add(item.get("id").asString()));
        return ids;
    }

    private static long keyCount() {
        return server.jdbc().sql("select count(*) from api_keys").query(Long.class).single();
    }
}
