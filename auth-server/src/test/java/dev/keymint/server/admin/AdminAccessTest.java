package dev.keymint.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keymint.server.organizations.OrganizationBootstrapper.BootstrappedOrganization;
import dev.keymint.server.testsupport.AdminClient;
import dev.keymint.server.testsupport.KeymintServer;
import dev.keymint.server.testsupport.TokenClient;
import dev.keymint.server.testsupport.TokenClient.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Who may call the admin API: Keymint tokens only, checked by resource-sdk (this server's issuer,
 * audience, signature against the server's own keys, admin scopes), and each organization sees
 * only itself.
 */
class AdminAccessTest {

    private static KeymintServer.Builder database;
    private static KeymintServer server;
    private static BootstrappedOrganization acme;
    private static BootstrappedOrganization globex;
    private static AdminClient acmeAdmin;
    private static AdminClient globexAdmin;

    @BeforeAll
    static void start() {
        database = KeymintServer.onFreshDatabase().property("keymint.operator-org", "operator");
        server = database.start();
        acme = server.bootstrap("acme", "*:*");
        globex = server.bootstrap("globex", "admin:*", "read:*");
        acmeAdmin = AdminClient.of(server, acme);
        globexAdmin = AdminClient.of(server, globex);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void adminWhenNoTokenThen401BearerChallengeAndProblem() {
        Response response = AdminClient.withToken(server, null).get("/keys");

        assertThat(response.status()).isEqualTo(401);
        assertThat(response.header("WWW-Authenticate")).startsWith("Bearer");
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        assertThat(response.json().get("status").asInt()).isEqualTo(401);
    }

    @Test
    void adminWhenTokenForgedOrGarbageThen401InvalidToken() {
        for (String token : new String[] {"garbage", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.", "a".repeat(7_000)}) {
            Response response = AdminClient.withToken(server, token).get("/keys");

            assertThat(response.status()).isEqualTo(401);
            assertThat(response.header("WWW-Authenticate")).contains("error=\"invalid_token\"");
            assertThat(response.body()).doesNotContain("Exception").doesNotContain("at dev.");
        }
    }

    @Test
    void adminWhenTokenIssuedByAnotherIssuerThen401WrongIssuer() {
        // Same database, same signing keys, same key: only the issuer differs.
        try (KeymintServer otherIssuer = KeymintServer.onDatabase(database.jdbcUrl()).masterKey(database.masterKey())
                .property("keymint.issuer", "https://other-issuer.keymint.example").start()) {
            String foreign = new TokenClient(otherIssuer.tokenEndpoint())
                    .basic(acme.clientId(), acme.apiKey(), "grant_type", "client_credentials").accessToken();
            String own = new TokenClient(server.tokenEndpoint())
                    .basic(acme.clientId(), acme.apiKey(), "grant_type", "client_credentials").accessToken();

            Response other = AdminClient.withToken(server, foreign).get("/keys");
            Response same = AdminClient.withToken(server, own).get("/keys");

            assertThat(other.status()).isEqualTo(401);
            assertThat(other.header("WWW-Authenticate")).contains("invalid_token");
            assertThat(same.status()).isEqualTo(200);
        }
    }

    @Test
    void adminWhenScopeDoesNotCoverOperationThen403InsufficientScope() {
        BootstrappedOrganization reader = server.bootstrap("reader-co", "read:*", "admin:usage/**");
        AdminClient readerAdmin = AdminClient.of(server, reader);

        Response keys = readerAdmin.get("/keys");
        Response usage = readerAdmin.get("/usage");
        Response downscoped = AdminClient.of(server, acme, "admin:audit/**").get("/keys");

        assertThat(keys.status()).isEqualTo(403);
        assertThat(keys.header("WWW-Authenticate")).contains("error=\"insufficient_scope\"");
        assertThat(keys.header("Content-Type")).startsWith("application/problem+json");
        assertThat(usage.status()).isEqualTo(200);
        assertThat(downscoped.status()).isEqualTo(403);
    }

    @Test
    void organizationCannotReadChangeOrRevokeAnotherOrganizationsKeysNorLearnTheyExist() {
        String globexKey = globexAdmin.post("/keys", "{\"name\": \"secret project\", \"scopes\": [\"read:x\"]}")
                .field("id");
        String randomId = "ZZZZZZZZZZZZZZZZ";

        for (String id : new String[] {globexKey, randomId}) {
            Response get = acmeAdmin.get("/keys/" + id);
            Response patch = acmeAdmin.patch("/keys/" + id, "{\"name\": \"mine now\"}");
            Response disable = acmeAdmin.post("/keys/" + id + "/disable", null);
            Response revoke = acmeAdmin.post("/keys/" + id + "/revoke", null);
            Response delete = acmeAdmin.delete("/keys/" + id + "?confirm=true");
            Response usage = acmeAdmin.get("/usage/keys/" + id);
            for (Response response : new Response[] {get, patch, disable, revoke, delete, usage}) {
                assertThat(response.status()).isEqualTo(404);
                assertThat(response.field("detail")).isEqualTo("The key does not exist");
            }
        }
        assertThat(globexAdmin.get("/keys/" + globexKey).field("status")).isEqualTo("active");
        assertThat(globexAdmin.get("/keys/" + globexKey).field("name")).isEqualTo("secret project");
        assertThat(acmeAdmin.get("/keys?status=all").body()).doesNotContain(globexKey);
        assertThat(acmeAdmin.get("/audit").body()).doesNotContain(globexKey);
    }

    @Test
    void organizationsListingOnlyForTheOperatorOrganization() {
        BootstrappedOrganization operator = server.bootstrap("operator", "admin:organizations/**");

        Response listed = AdminClient.of(server, operator).get("/organizations");
        Response byTenant = acmeAdmin.get("/organizations");

        assertThat(listed.status()).isEqualTo(200);
        assertThat(listed.body()).contains("\"acme\"").contains("\"globex\"").contains("\"operator\"");
        assertThat(byTenant.status()).isEqualTo(403);
        assertThat(byTenant.header("Content-Type")).startsWith("application/problem+json");
    }

    @Test
    void openApiDocumentIsPublic() {
        Response response = TokenClient.get(server.baseUrl() + "/admin/v1/openapi.yaml");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).startsWith("openapi: 3.");
        assertThat(response.body()).contains("/keys/{id}/revoke");
    }

    @Test
    void teamKeySeesAndCreatesOnlyItsTeamsKeys() {
        String otherTeam = acmeAdmin.post("/keys", "{\"name\": \"ops key\", \"scopes\": [\"read:x\"], \"team\": \"ops\"}")
                .field("id");
        Response teamAdminKey = acmeAdmin.post("/keys",
                "{\"name\": \"platform admin\", \"scopes\": [\"admin:keys/**\", \"read:x\"], \"team\": \"platform\"}");
        String id = teamAdminKey.field("id");
        String apiKey = teamAdminKey.field("api_key");
        String token = new TokenClient(server.tokenEndpoint()).basic(id, apiKey, "grant_type", "client_credentials")
                .accessToken();
        AdminClient platform = AdminClient.withToken(server, token);

        Response created = platform.post("/keys", "{\"name\": \"pf\", \"scopes\": [\"read:x\"]}");
        Response wrongTeam = platform.post("/keys", "{\"name\": \"pf\", \"scopes\": [\"read:x\"], \"team\": \"ops\"}");

        assertThat(created.status()).isEqualTo(201);
        assertThat(created.field("team")).isEqualTo("platform");
        assertThat(wrongTeam.status()).isEqualTo(403);
        assertThat(platform.get("/keys/" + otherTeam).status()).isEqualTo(404);
    }
}
