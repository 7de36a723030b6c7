package dev.keymint.server.admin;

import static dev.keymint.server.testsupport.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keymint.server.testsupport.AdminClient;
import dev.keymint.server.testsupport.KeymintServer;
import dev.keymint.server.testsupport.TokenClient.Response;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bad input to every admin endpoint gets a 4xx problem JSON, never a 500 or a stack trace, and
 * writes nothing (no key, no audit event).
 */
class AdminBadInputTest {

    @AutoClose
    private static KeymintServer server;
    private static AdminClient admin;
    private static String keyId;

    @BeforeAll
    static void start() {
        server = KeymintServer.onFreshDatabase().start();
        admin = AdminClient.of(server, server.bootstrap("acme", "*:*"));
        keyId = admin.post("/keys", "{\"name\": \"target\", \"scopes\": [\"read:x\"]}").field("id");
    }

    @Test
    void createWhenBodyIsBadThen400ProblemAndNothingWritten() {
        long keys = server.count("api_keys");
        long events = server.count("audit_events");
        List<String> bodies = List.of(
                "", "{", "not json", "[]", "null", "42", "\"text\"",
                "{\"scopes\": [\"read:x\"]}",
                "{\"name\": \"x\"}",
                "{\"name\": \"x\", \"scopes\": []}",
                "{\"name\": 7, \"scopes\": [\"read:x\"]}",
                "{\"name\": \"x\", \"scopes\": \"read:x\"}",
                "{\"name\": \"x\", \"scopes\": [7]}",
                "{\"name\": \"x\", \"scopes\": [\"read:x\"], \"admin\": true}",
                "{\"name\": \"x\", \"scopes\": [\"bogus\"]}",
                "{\"name\": \"x\", \"scopes\": [\"delete:x\"]}",
                "{\"name\": \"x\", \"scopes\": [\"read:a//b\"]}",
                "{\"name\": \"x\", \"scopes\": [\"read:x\"], \"allowed_cidrs\": [\"10.0.0.1/8\"]}",
                "{\"name\": \"x\", \"scopes\": [\"read:x\"], \"allowed_cidrs\": [\"300.0.0.0/8\"]}",
                "{\"name\": \"x\", \"scopes\": [\"read:x\"], \"allowed_cidrs\": [\"example.com\"]}",
                "{\"name\": \"x\", \"scopes\": [\"read:x\"], \"allowed_cidrs\": [\"::/129\"]}",
                "{\"name\": \"x\", \"scopes\": [\"read:x\"], \"allowed_cidrs\": \"10.0.0.0/8\"}",
                "{\"name\": \"x\", \"scopes\": [\"read:x\"], \"expires_at\": \"yesterday\"}",
                "{\"name\": \"x\", \"scopes\": [\"read:x\"], \"expires_at\": \"2001-01-01T00:00:00Z\"}",
                "{\"name\": \"x\", \"scopes\": [\"read:x\"], \"expires_at\": \"9999-01-01T00:00:00Z\"}",
                "{\"name\": \"x\", \"scopes\": [\"read:x\"], \"rate_limit_per_minute\": 0}",
                "{\"name\": \"x\", \"scopes\": [\"read:x\"], \"rate_limit_per_minute\": 1.5}",
                "{\"name\": \"x\", \"scopes\": [\"read:x\"], \"rate_limit_per_minute\": \"10\"}",
                "{\"name\": \"x\", \"scopes\": [\"read:x\"], \"rate_limit_per_minute\": 99999999999999999999999}",
                "{\"name\": \"x\", \"scopes\": [\"read:x\"], \"quota\": {\"limit\": 5}}",
                "{\"name\": \"x\", \"scopes\": [\"read:x\"], \"quota\": {\"limit\": 5, \"period\": \"year\"}}",
                "{\"name\": \"x\", \"scopes\": [\"read:x\"], \"quota\": {\"limit\": 5, \"period\": \"day\", \"x\": 1}}",
                "{\"name\": \"x\", \"scopes\": [\"read:x\"], \"quota\": 5}",
                "{\"name\": \"" + "n".repeat(201) + "\", \"scopes\": [\"read:x\"]}",
                "{\"name\": \"a\\u0000b\", \"scopes\": [\"read:x\"]}",
                "{\"name\": \"x\", \"scopes\": [\"read:" + "s/".repeat(300) + "x\"]}",
                "{\"name\": \"x\", \"scopes\": " + manyScopes(101) + "}",
                "{\"name\": \"x\", \"scopes\": [\"read:x\"], \"team\": \"\"}",
                "{\"name\": \"x\", \"scopes\": [\"read:x\"], \"owner\": [\"o\"]}");

        for (String body : bodies) {
            Response response = admin.post("/keys", body);
            assertProblem(response, 400, body);
        }
        assertProblem(admin.post("/keys", "{\"name\": \"" + "n".repeat(70_000) + "\"}"), 413, "huge body");
        assertThat(server.count("api_keys")).isEqualTo(keys);
        assertThat(server.count("audit_events")).isEqualTo(events);
    }

    @Test
    void createWhenFieldErrorsThenEachIsNamed() {
        Response response = admin.post("/keys",
                "{\"name\": \"\", \"scopes\": [\"read:x\", \"oops\"], \"allowed_cidrs\": [\"1.2.3.4/33\"], \"extra\": 1}");

        assertProblem(response, 400, "field errors");
        assertThat(response.body()).contains("\"field\":\"name\"").contains("\"field\":\"scopes[1]\"")
                .contains("\"field\":\"allowed_cidrs[0]\"").contains("\"field\":\"extra\"");
    }

    @Test
    void patchWhenBodyIsBadThen400ProblemAndKeyUnchanged() {
        for (String body : List.of("{", "{\"name\": null}", "{\"scopes\": null}", "{\"name\": 5}",
                "{\"unknown\": 1}", "{\"allowed_cidrs\": [\"fe80::1/10\"]}", "{\"rate_limit_per_minute\": -1}")) {
            assertProblem(admin.patch("/keys/" + keyId, body), 400, body);
        }
        assertThat(admin.get("/keys/" + keyId).field("name")).isEqualTo("target");
    }

    @Test
    void queryParametersWhenBadThen400Problem() {
        for (String path : List.of("/keys?status=bogus", "/keys?limit=0", "/keys?limit=201", "/keys?limit=x",
                "/keys?cursor=!!!", "/keys?cursor=" + "A".repeat(500), "/keys?name=" + "n".repeat(201),
                "/audit?cursor=abc", "/audit?limit=-1", "/usage?from=yesterday", "/usage?from=2030-01-01T00:00:00Z&to=2029-01-01T00:00:00Z",
                "/usage?from=2020-01-01T00:00:00Z&to=2029-01-01T00:00:00Z", "/keys/" + keyId + "?confirm=maybe")) {
            Response response = path.contains("confirm") ? admin.delete(path) : admin.get(path);
            assertProblem(response, 400, path);
        }
    }

    @Test
    void wrongMethodsUnknownIdsAndContentTypesThenProblemNeverServerError() {
        assertProblem(admin.send("PUT", "/keys/" + keyId, "{}"), 405, "PUT");
        assertProblem(admin.get("/keys/not-a-key-id"), 404, "bad id");
        assertProblem(admin.post("/keys/ZZZZZZZZZZZZZZZZ/disable", null), 404, "unknown");
        Response text = admin.send("POST", "/keys", null);
        assertProblem(text, 400, "no body");
    }

    private static String manyScopes(int n) {
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            out.append(i == 0 ? "" : ",").append("\"read:s").append(i).append("\"");
        }
        return out.append("]").toString();
    }
}
