package dev.keymint.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keymint.server.testsupport.AdminClient;
import dev.keymint.server.testsupport.KeymintServer;
import dev.keymint.server.testsupport.TokenClient;
import dev.keymint.server.testsupport.TokenClient.Response;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Agents over HTTP with two instances on one database: a new agent comes with its "Production" key,
 * its keys carry its capabilities, an edit of the capabilities changes the next token of every key
 * of the agent on both instances, and deleting it revokes its keys only when confirmed. Another
 * organization's agent does not exist for a caller, a narrower admin cannot change a broader agent,
 * and bad bodies get 400 problems naming each field.
 */
class AdminAgentsTest {

    private static final String ISSUER = "https://keymint.test";
    private static KeymintServer first;
    private static KeymintServer second;
    private static AdminClient acme;
    private static AdminClient globex;
    private static TokenClient firstTokens;
    private static TokenClient secondTokens;

    @BeforeAll
    static void start() {
        KeymintServer.Builder builder = KeymintServer.onFreshDatabase().property("keymint.issuer", ISSUER);
        first = builder.start();
        second = KeymintServer.onDatabase(builder.jdbcUrl()).masterKey(builder.masterKey())
                .property("keymint.issuer", ISSUER).start();
        acme = AdminClient.of(first, first.bootstrap("acme", "*:*"));
        globex = AdminClient.of(first, first.bootstrap("globex", "*:*"));
        firstTokens = new TokenClient(first.tokenEndpoint());
        secondTokens = new TokenClient(second.tokenEndpoint());
    }

    @AfterAll
    static void stop() {
        second.close();
        first.close();
    }

    @Test
    void newAgentComesWithAProductionKeyThatCarriesItsCapabilitiesShownOnce() {
        Response created = acme.post("/agents", """
                {"name": "support bot", "description": "answers tickets", "capabilities": ["read:tickets/**", "write:tickets/*"],
                 "team": "support", "owner": "ana@acme.test"}""");

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.header("Cache-Control")).isEqualTo("no-store");
        String id = created.field("id");
        assertThat(created.header("Location")).isEqualTo("/admin/v1/agents/" + id);
        JsonNode production = created.json().get("production_key");
        assertThat(production.get("name").asString()).isEqualTo("Production");
        assertThat(production.get("team").asString()).isEqualTo("support");
        assertThat(production.get("owner").asString()).isEqualTo("ana@acme.test");
        Response token = firstTokens.basic(production.get("id").asString(), production.get("api_key").asString(),
                "grant_type", "client_credentials");
        assertThat(token.field("scope")).isEqualTo("read:tickets/** write:tickets/*");

        Response shown = acme.get("/agents/" + id);
        assertThat(shown.field("name")).isEqualTo("support bot");
        assertThat(shown.field("description")).isEqualTo("answers tickets");
        assertThat(shown.body()).doesNotContain(production.get("api_key").asString());
        assertThat(acme.get("/agents").body()).contains(id);
        assertThat(acme.get("/agents/" + id + "/keys").json().get("items").get(0).get("id").asString())
                .isEqualTo(production.get("id").asString());
        assertThat(auditActions(id)).containsExactly("agent.create");
    }

    @Test
    void changedCapabilitiesChangeTheNextTokenOfEveryKeyOfTheAgentOnBothInstances() {
        Response created = acme.post("/agents", "{\"name\": \"reporter\", \"capabilities\": [\"read:reports/**\"]}");
        String agent = created.field("id");
        JsonNode production = created.json().get("production_key");
        Response second = acme.post("/agents/" + agent + "/keys", "{\"name\": \"staging\"}");
        assertThat(second.status()).as(second.body()).isEqualTo(201);
        List<String[]> keys = List.of(
                new String[] {production.get("id").asString(), production.get("api_key").asString()},
                new String[] {second.field("id"), second.field("api_key")});
        for (String[] key : keys) { // every instance holds every key in memory before the edit
            assertThat(scopeOn(firstTokens, key)).isEqualTo("read:reports/**");
            assertThat(scopeOn(secondTokens, key)).isEqualTo("read:reports/**");
        }

        Response patched = acme.patch("/agents/" + agent, "{\"capabilities\": [\"read:reports/**\", \"write:reports/drafts\"]}");

        assertThat(patched.status()).as(patched.body()).isEqualTo(200);
        for (String[] key : keys) {
            assertThat(scopeOn(firstTokens, key)).isEqualTo("read:reports/** write:reports/drafts");
            assertThat(scopeOn(secondTokens, key)).isEqualTo("read:reports/** write:reports/drafts");
        }
        assertThat(auditActions(agent)).containsExactly("agent.update", "agent.create");
        Response ownScopes = acme.patch("/keys/" + second.field("id"), "{\"scopes\": [\"read:reports/**\"]}");
        assertThat(ownScopes.status()).as(ownScopes.body()).isEqualTo(409);
        assertThat(ownScopes.field("detail")).contains("agent");
    }

    @Test
    void deletingAnAgentWithKeysNeedsConfirmationAndThenRevokesThemEverywhere() {
        Response created = acme.post("/agents", "{\"name\": \"doomed\", \"capabilities\": [\"read:x\"]}");
        String agent = created.field("id");
        String[] key = {created.json().get("production_key").get("id").asString(),
                created.json().get("production_key").get("api_key").asString()};
        assertThat(scopeOn(secondTokens, key)).isEqualTo("read:x");

        Response unconfirmed = acme.delete("/agents/" + agent);
        Response badConfirm = acme.delete("/agents/" + agent + "?confirm=true");

        assertThat(unconfirmed.status()).isEqualTo(409);
        assertThat(unconfirmed.field("detail")).contains("1 key(s)").contains("confirm=revoke-keys");
        assertThat(badConfirm.status()).isEqualTo(400);
        assertThat(acme.get("/agents/" + agent).status()).isEqualTo(200);

        assertThat(acme.delete("/agents/" + agent + "?confirm=revoke-keys").status()).isEqualTo(204);

        assertThat(acme.get("/agents/" + agent).status()).isEqualTo(404);
        assertThat(acme.get("/keys/" + key[0]).field("status")).isEqualTo("revoked");
        for (TokenClient tokens : List.of(firstTokens, secondTokens)) {
            Response refused = tokens.basic(key[0], key[1], "grant_type", "client_credentials");
            assertThat(refused.status()).isEqualTo(401);
            assertThat(refused.field("error")).isEqualTo("invalid_client");
        }
        assertThat(auditActions(key[0])).contains("key.revoke");
        assertThat(auditActions(agent)).containsExactly("agent.delete", "agent.create");
    }

    @Test
    void anotherOrganizationsAgentDoesNotExistForTheCaller() {
        String agent = acme.post("/agents", "{\"name\": \"private\", \"capabilities\": [\"read:x\"]}").field("id");

        List<Response> attempts = List.of(globex.get("/agents/" + agent),
                globex.patch("/agents/" + agent, "{\"name\": \"stolen\"}"),
                globex.delete("/agents/" + agent + "?confirm=revoke-keys"),
                globex.get("/agents/" + agent + "/keys"),
                globex.post("/agents/" + agent + "/keys", "{\"name\": \"sneaky\"}"),
                globex.get("/agents/agt_0000000000000000000000"),
                globex.get("/agents/not-an-id"));

        for (Response response : attempts) {
            assertThat(response.status()).as(response.body()).isEqualTo(404);
            assertThat(response.field("detail")).isEqualTo("The agent does not exist");
        }
        assertThat(globex.get("/agents").body()).doesNotContain(agent);
        assertThat(acme.get("/agents/" + agent).field("name")).isEqualTo("private");
        assertThat(acme.get("/agents/" + agent + "/keys").json().get("items").size()).isEqualTo(1);
    }

    @Test
    void narrowerAdminCannotCreateChangeOrDeleteABroaderAgent() {
        String agent = acme.post("/agents", "{\"name\": \"broad\", \"capabilities\": [\"read:**\", \"write:x\"]}").field("id");
        Response keyManager = acme.post("/keys", "{\"name\": \"reader admin\", \"scopes\": [\"admin:keys/**\", \"read:**\"]}");
        AdminClient narrow = AdminClient.withToken(first, firstTokens.basic(keyManager.field("id"),
                keyManager.field("api_key"), "grant_type", "client_credentials").accessToken());

        List<Response> attempts = List.of(
                narrow.patch("/agents/" + agent, "{\"name\": \"mine\"}"),
                narrow.delete("/agents/" + agent + "?confirm=revoke-keys"),
                narrow.post("/agents/" + agent + "/keys", "{\"name\": \"extra\"}"),
                narrow.post("/agents", "{\"name\": \"wider\", \"capabilities\": [\"write:x\"]}"));

        for (Response response : attempts) {
            assertThat(response.status()).as(response.body()).isEqualTo(403);
            assertThat(response.json().get("scopes_not_held").toString()).isEqualTo("[\"write:x\"]");
        }
        assertThat(narrow.get("/agents/" + agent).field("name")).isEqualTo("broad");
        Response within = narrow.post("/agents", "{\"name\": \"reader\", \"capabilities\": [\"read:docs/**\"]}");
        assertThat(within.status()).as(within.body()).isEqualTo(201);
        Response widen = narrow.patch("/agents/" + within.field("id"), "{\"capabilities\": [\"write:x\"]}");
        assertThat(widen.status()).isEqualTo(403);
        assertThat(narrow.get("/agents/" + within.field("id")).json().get("capabilities").toString())
                .isEqualTo("[\"read:docs/**\"]");
    }

    @Test
    void badBodiesAre400ProblemsNamingEveryField() {
        Response create = acme.post("/agents", """
                {"name": " ", "capabilities": ["read"], "colour": "blue"}""");
        Response noCapabilities = acme.post("/agents", "{\"name\": \"x\", \"capabilities\": []}");
        String agent = acme.post("/agents", "{\"name\": \"fine\", \"capabilities\": [\"read:x\"]}").field("id");
        Response patch = acme.patch("/agents/" + agent, "{\"name\": null, \"capabilities\": [\"read:x\", \"read\"]}");
        Response key = acme.post("/agents/" + agent + "/keys", "{\"name\": \"\", \"scopes\": \"read:y\"}");

        assertThat(fields(create)).containsExactlyInAnyOrder("name", "capabilities[0]", "colour");
        assertThat(fields(noCapabilities)).containsExactly("capabilities");
        assertThat(fields(patch)).containsExactlyInAnyOrder("name", "capabilities[1]");
        assertThat(fields(key)).containsExactlyInAnyOrder("name", "scopes");
        assertThat(acme.get("/agents/" + agent).field("name")).isEqualTo("fine");
        assertThat(acme.get("/agents/" + agent + "/keys").json().get("items").size()).isEqualTo(1);
    }

    private static List<String> fields(Response response) {
        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        List<String> fields = new ArrayList<>();
        response.json().get("errors").forEach(error -> fields.add(error.get("field").asString()));
        return fields;
    }

    private static String scopeOn(TokenClient tokens, String[] key) {
        Response token = tokens.basic(key[0], key[1], "grant_type", "client_credentials");
        assertThat(token.status()).as(token.body()).isEqualTo(200);
        return token.field("scope");
    }

    private static List<String> auditActions(String target) {
        return first.jdbc().sql("select action from audit_events where target = ? order by id desc")
                .param(target).query(String.class).list();
    }
}
