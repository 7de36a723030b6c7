package dev.keymint.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keymint.server.organizations.OrganizationBootstrapper.BootstrappedOrganization;
import dev.keymint.server.testsupport.AdminClient;
import dev.keymint.server.testsupport.KeymintServer;
import dev.keymint.server.testsupport.TokenClient;
import dev.keymint.server.testsupport.TokenClient.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A narrower admin cannot take down a broader one: an admin token may change, disable, enable,
 * revoke or delete only keys whose every scope its own scopes cover. Refusals are 403 problems
 * that name the missing scopes, and leave the key and the audit trail as they were.
 */
class AdminKeyPrivilegeTest {

    private static KeymintServer server;
    private static TokenClient tokens;
    private static BootstrappedOrganization owner;
    private static AdminClient ownerAdmin;
    private static AdminClient keysAdmin;

    @BeforeAll
    static void start() {
        server = KeymintServer.onFreshDatabase().start();
        tokens = new TokenClient(server.tokenEndpoint());
        owner = server.bootstrap("acme", "*:*");
        ownerAdmin = AdminClient.of(server, owner);
        Response keysOnly = ownerAdmin.post("/keys", "{\"name\": \"key manager\", \"scopes\": [\"admin:keys/**\"]}");
        keysAdmin = AdminClient.withToken(server, tokens.basic(keysOnly.field("id"), keysOnly.field("api_key"),
                "grant_type", "client_credentials").accessToken());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void keyAdminWhenTargetHoldsBroaderScopesThen403AndNothingChanged() {
        String target = owner.clientId();
        Map<String, Object> before = server.row(
                "select name, scopes::text, status, allowed_cidrs::text, expires_at from api_keys where id = ?", target);
        long events = auditEvents();
        Map<String, Response> attempts = new LinkedHashMap<>();
        attempts.put("disable", keysAdmin.post("/keys/" + target + "/disable", null));
        attempts.put("enable", keysAdmin.post("/keys/" + target + "/enable", null));
        attempts.put("revoke", keysAdmin.post("/keys/" + target + "/revoke", null));
        attempts.put("rename", keysAdmin.patch("/keys/" + target, "{\"name\": \"mine now\"}"));
        attempts.put("cut scopes", keysAdmin.patch("/keys/" + target, "{\"scopes\": [\"admin:keys/**\"]}"));
        attempts.put("lock out", keysAdmin.patch("/keys/" + target, "{\"allowed_cidrs\": [\"192.0.2.1/32\"]}"));
        attempts.put("expire", keysAdmin.patch("/keys/" + target, "{\"expires_at\": \"2030-01-01T00:00:00Z\"}"));
        attempts.put("delete", keysAdmin.delete("/keys/" + target + "?confirm=true"));

        attempts.forEach((what, response) -> {
            assertThat(response.status()).as(what + " -> " + response.body()).isEqualTo(403);
            assertThat(response.header("Content-Type")).as(what).startsWith("application/problem+json");
            assertThat(response.field("detail")).as(what).contains("*:*");
            assertThat(response.json().get("scopes_not_held").toString()).as(what).isEqualTo("[\"*:*\"]");
            assertThat(response.header("WWW-Authenticate")).as(what)
                    .startsWith("Bearer").contains("error=\"insufficient_scope\"").contains("scope=\"*:*\"");
        });
        assertThat(server.row("select name, scopes::text, status, allowed_cidrs::text, expires_at from api_keys where id = ?",
                target)).isEqualTo(before);
        assertThat(auditEvents()).isEqualTo(events);
        assertThat(tokens.basic(owner.clientId(), owner.apiKey(), "grant_type", "client_credentials").status())
                .isEqualTo(200);
    }

    @Test
    void keyAdminStillSeesBroaderKeysAndManagesKeysItCovers() {
        Response shown = keysAdmin.get("/keys/" + owner.clientId());
        String covered = keysAdmin.post("/keys", "{\"name\": \"helper\", \"scopes\": [\"admin:keys/**\"]}").field("id");

        assertThat(shown.status()).isEqualTo(200);
        assertThat(keysAdmin.get("/keys?status=all").body()).contains(owner.clientId());
        assertThat(keysAdmin.patch("/keys/" + covered, "{\"name\": \"renamed\"}").field("name")).isEqualTo("renamed");
        assertThat(keysAdmin.post("/keys/" + covered + "/disable", null).field("status")).isEqualTo("disabled");
        assertThat(keysAdmin.post("/keys/" + covered + "/enable", null).field("status")).isEqualTo("active");
        assertThat(keysAdmin.post("/keys/" + covered + "/revoke", null).field("status")).isEqualTo("revoked");
        assertThat(keysAdmin.delete("/keys/" + covered + "?confirm=true").status()).isEqualTo(204);
    }

    @Test
    void downscopedTokenOfTheBroadKeyIsHeldToItsOwnScopesToo() {
        String broad = ownerAdmin.post("/keys", "{\"name\": \"reader\", \"scopes\": [\"read:**\", \"write:x\"]}")
                .field("id");
        AdminClient downscoped = AdminClient.of(server, owner, "admin:keys/** read:**");

        Response refused = downscoped.post("/keys/" + broad + "/disable", null);

        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.json().get("scopes_not_held").toString()).isEqualTo("[\"write:x\"]");
        assertThat(ownerAdmin.get("/keys/" + broad).field("status")).isEqualTo("active");
        assertThat(ownerAdmin.post("/keys/" + broad + "/disable", null).field("status")).isEqualTo("disabled");
    }

    @Test
    void refusalNamingManyLongScopesStillFitsInTheResponseHeaders() {
        List<String> scopes = IntStream.range(0, 100).mapToObj(i -> "\"read:" + "r".repeat(500) + "/" + i + "\"").toList();
        String body = "{\"name\": \"wide\", \"scopes\": [" + String.join(",", scopes) + "]}";
        String wide = ownerAdmin.post("/keys", body).field("id");

        Response create = keysAdmin.post("/keys", body);
        Response disable = keysAdmin.post("/keys/" + wide + "/disable", null);

        for (Response response : List.of(create, disable)) {
            assertThat(response.status()).as(response.body()).isEqualTo(403);
            assertThat(response.json().get("scopes_not_held").size()).isEqualTo(100);
            assertThat(response.header("WWW-Authenticate")).contains("error=\"insufficient_scope\"")
                    .doesNotContain("scope=\"");
        }
        assertThat(ownerAdmin.get("/keys/" + wide).field("status")).isEqualTo("active");
    }

    private static long auditEvents() {
        return server.jdbc().sql("select count(*) from audit_events").query(Long.class).single();
    }
}
