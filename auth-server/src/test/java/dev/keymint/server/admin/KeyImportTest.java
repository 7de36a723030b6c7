package dev.keymint.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keymint.server.organizations.OrganizationBootstrapper.BootstrappedOrganization;
import dev.keymint.server.testsupport.AdminClient;
import dev.keymint.server.testsupport.KeymintServer;
import dev.keymint.server.testsupport.TokenClient;
import dev.keymint.server.testsupport.TokenClient.Response;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Importing keys a platform's callers already hold: Keymint gets only each secret's SHA-256, and the
 * callers' own client ids and secrets then get tokens as Keymint's keys do. Bad rows are reported by
 * row number and reason, the admin privilege rule and organization isolation hold, and the whole
 * import is one audit event.
 */
class KeyImportTest {

    private static KeymintServer server;
    private static TokenClient tokens;
    private static BootstrappedOrganization acme;
    private static AdminClient acmeAdmin;
    private static AdminClient otherAdmin;

    @BeforeAll
    static void start() {
        server = KeymintServer.onFreshDatabase().start();
        tokens = new TokenClient(server.tokenEndpoint());
        acme = server.bootstrap("acme", "*:*");
        acmeAdmin = AdminClient.of(server, acme);
        otherAdmin = AdminClient.of(server, server.bootstrap("other", "*:*"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void importedKeysGetTokensWithTheirOwnClientIdAndSecretByBasicAndPost() {
        String rows = IntStream.range(0, 3000)
                .mapToObj(i -> row("legacy-" + i, "sk_live_secret_number_" + i, "\"scopes\": [\"read:orders/**\"]"))
                .collect(Collectors.joining("\n"));

        Object importEvents = auditImports();
        Response imported = importKeys(acmeAdmin, rows, "");

        assertThat(imported.status()).as(imported.body()).isEqualTo(200);
        assertThat(imported.json().get("imported").asInt()).isEqualTo(3000);
        assertThat(imported.json().get("refused").asInt()).isZero();
        Response basic = tokens.basic("legacy-7", "sk_live_secret_number_7", "grant_type", "client_credentials");
        Response post = tokens.post("legacy-2999", "sk_live_secret_number_2999", "grant_type", "client_credentials");
        assertThat(basic.status()).as(basic.body()).isEqualTo(200);
        assertThat(basic.field("scope")).isEqualTo("read:orders/**");
        assertThat(post.status()).as(post.body()).isEqualTo(200);
        Response wrong = tokens.basic("legacy-7", "sk_live_secret_number_8", "grant_type", "client_credentials");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.field("error")).isEqualTo("invalid_client");
        JsonNode shown = acmeAdmin.get("/keys/legacy-7").json();
        assertThat(shown.get("masked_key").asString()).isEqualTo("sk_live_…");
        assertThat(shown.get("name").asString()).isEqualTo("legacy-7");
        assertThat(auditImports()).isEqualTo((Long) importEvents + 1);
        assertThat(acmeAdmin.get("/audit").body()).contains("\"imported\":3000");
    }

    @Test
    void importedKeyCanBeDisabledLikeAnyKeyAndNativeKeySecretStillNeedsItsFormat() {
        importKeys(acmeAdmin, row("to-disable", "s3cret-value-1",
                "\"scopes\": [\"read:x\"], \"audiences\": [\"https://api.example.com\"]"), "");
        assertThat(acmeAdmin.get("/keys/to-disable").json().get("audiences").toString())
                .isEqualTo("[\"https://api.example.com\"]");

        assertThat(acmeAdmin.post("/keys/to-disable/disable", null).field("status")).isEqualTo("disabled");

        Response refused = tokens.basic("to-disable", "s3cret-value-1", "grant_type", "client_credentials");
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.field("error_description")).isEqualTo("The API key is disabled");
        // A Keymint id with a secret of another shape is refused before any lookup, as before imports.
        Response typo = tokens.basic(acme.clientId(), "s3cret-value-1", "grant_type", "client_credentials");
        assertThat(typo.field("error_description")).isEqualTo("The client_secret is not a well-formed Keymint API key");
        // An imported key's secret never authenticates the Keymint key of the same organization.
        assertThat(tokens.basic("to-disable", acme.apiKey(), "grant_type", "client_credentials").status()).isEqualTo(401);
    }

    @Test
    void rerolledImportedKeyTakesItsNewSecretAndTheOldOneWithinTheGrace() {
        importKeys(acmeAdmin, row("to-reroll", "old-secret-1", "\"scopes\": [\"read:x\"]"), "");

        Response rerolled = acmeAdmin.post("/keys/to-reroll/reroll", "{\"grace_period_seconds\": 600}");

        assertThat(rerolled.status()).as(rerolled.body()).isEqualTo(200);
        String newKey = rerolled.field("api_key");
        assertThat(tokens.basic("to-reroll", newKey, "grant_type", "client_credentials").status()).isEqualTo(200);
        assertThat(tokens.basic("to-reroll", "old-secret-1", "grant_type", "client_credentials").status()).isEqualTo(200);
    }

    @Test
    void badRowsAreReportedByRowAndReasonAndTheValidRowsImported() {
        importKeys(acmeAdmin, row("already-here", "x-1", "\"scopes\": [\"read:x\"]"), "");
        String rows = String.join("\n",
                row("good-1", "g-1", "\"scopes\": [\"read:x\"]"),
                "{\"client_id\": \"short-hash\", \"key_sha256\": \"abcd\", \"scopes\": [\"read:x\"]}",
                row("good-1", "g-2", "\"scopes\": [\"read:x\"]"),
                row("bad-scope", "b-1", "\"scopes\": [\"no colon\"]"),
                row("unknown-field", "u-1", "\"scopes\": [\"read:x\"], \"colour\": \"red\""),
                "{not json",
                row("already-here", "x-2", "\"scopes\": [\"read:x\"]"),
                row("4mD0vY2nQ8bL1xKe", "n-1", "\"scopes\": [\"read:x\"]"),
                "",
                row("good-2", "g-3", "\"scopes\": [\"read:x\"]"));

        Response report = importKeys(acmeAdmin, rows, "");

        assertThat(report.status()).as(report.body()).isEqualTo(200);
        assertThat(report.json().get("imported").asInt()).isEqualTo(2);
        assertThat(report.json().get("refused").asInt()).isEqualTo(7);
        assertThat(errors(report)).containsExactly(
                "2 key_sha256 must be the SHA-256 of the key's UTF-8 bytes as 64 hex characters",
                "3 client_id repeats row 1",
                "4 scopes[0] " + report.json().get("row_errors").get(2).get("message").asString(),
                "5 colour unknown field",
                "6  The row is not well-formed JSON",
                "7 client_id is taken on this server",
                "8 client_id " + dev.keymint.server.keys.ImportedKeyFormat.CLIENT_ID_RULE);
        assertThat(report.json().get("row_errors").get(2).get("message").asString()).startsWith("invalid scope: ");
        assertThat(tokens.basic("good-2", "g-3", "grant_type", "client_credentials").status()).isEqualTo(200);
        assertThat(tokens.basic("good-1", "g-2", "grant_type", "client_credentials").status()).isEqualTo(401);
    }

    @Test
    void atomicImportWithABadRowImportsNothing() {
        String rows = row("atomic-1", "a-1", "\"scopes\": [\"read:x\"]") + "\n"
                + row("atomic-2", "a-2", "\"scopes\": [\"read:x\"], \"rate_limit_per_minute\": 0");

        Response refused = importKeys(acmeAdmin, rows, "?atomic=true");

        assertThat(refused.status()).as(refused.body()).isEqualTo(400);
        assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
        assertThat(refused.json().get("row_errors").get(0).get("field").asString()).isEqualTo("rate_limit_per_minute");
        assertThat(acmeAdmin.get("/keys/atomic-1").status()).isEqualTo(404);
    }

    @Test
    void anotherOrganizationNeitherSeesNorTakesAnImportedKey() {
        importKeys(acmeAdmin, row("acme-legacy", "acme-secret", "\"scopes\": [\"read:x\"]"), "");

        assertThat(otherAdmin.get("/keys/acme-legacy").status()).isEqualTo(404);
        assertThat(otherAdmin.post("/keys/acme-legacy/revoke", null).status()).isEqualTo(404);
        Response again = importKeys(otherAdmin, row("acme-legacy", "mine-now", "\"scopes\": [\"read:x\"]"), "");
        assertThat(again.json().get("imported").asInt()).isZero();
        assertThat(errors(again)).containsExactly("1 client_id is taken on this server");
        assertThat(tokens.basic("acme-legacy", "acme-secret", "grant_type", "client_credentials").status()).isEqualTo(200);
    }

    @Test
    void narrowerAdminCannotImportKeysBeyondItsOwnScopes() {
        Response keysOnly = acmeAdmin.post("/keys", "{\"name\": \"key manager\", \"scopes\": [\"admin:keys/**\"]}");
        AdminClient keysAdmin = AdminClient.withToken(server, tokens.basic(keysOnly.field("id"),
                keysOnly.field("api_key"), "grant_type", "client_credentials").accessToken());

        Response report = importKeys(keysAdmin, row("too-broad", "t-1", "\"scopes\": [\"*:*\"]"), "");

        assertThat(report.json().get("imported").asInt()).isZero();
        assertThat(errors(report)).containsExactly("1 scopes not held by the caller's token: *:*");
        assertThat(acmeAdmin.get("/keys/too-broad").status()).isEqualTo(404);
    }

    @Test
    void bodyOfAnotherTypeOrBeyondTheRowLimitIsRefusedAsAWhole() {
        Response json = TokenClient.send(request(acmeAdmin, "[]", "application/json", ""));
        String tooMany = "{}\n".repeat(KeyImportController.MAX_ROWS + 1);
        Response large = TokenClient.send(request(acmeAdmin, tooMany, "application/x-ndjson", ""));
        Response empty = importKeys(acmeAdmin, "\n\n", "");

        assertThat(json.status()).isEqualTo(400);
        assertThat(json.field("detail")).contains("application/x-ndjson");
        assertThat(large.status()).isEqualTo(413);
        assertThat(large.field("detail")).contains("at most 100000 keys");
        assertThat(empty.status()).isEqualTo(400);
    }

    private static Response importKeys(AdminClient admin, String ndjson, String query) {
        return TokenClient.send(request(admin, ndjson, "application/x-ndjson", query));
    }

    private static HttpRequest request(AdminClient admin, String body, String contentType, String query) {
        return HttpRequest.newBuilder(URI.create(server.baseUrl() + "/admin/v1/keys/import" + query))
                .header("Authorization", "Bearer " + admin.token())
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    private static String row(String clientId, String secret, String settings) {
        return "{\"client_id\": \"" + clientId + "\", \"key_sha256\": \"" + sha256(secret)
                + "\", \"prefix\": \"sk_live_\", " + settings + "}";
    }

    static String sha256(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object auditImports() {
        return server.row("select count(*) as n from audit_events where action = 'key.import'").get("n");
    }

    private static List<String> errors(Response report) {
        return report.json().get("row_errors").valueStream()
                .map(error -> error.get("row").asInt() + " " + error.get("field").asString() + " "
                        + error.get("message").asString())
                .toList();
    }
}
