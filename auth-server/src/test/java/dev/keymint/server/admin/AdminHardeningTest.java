package dev.keymint.server.admin;

import static dev.keymint.server.testsupport.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keymint.server.organizations.OrganizationBootstrapper.BootstrappedOrganization;
import dev.keymint.server.testsupport.AdminClient;
import dev.keymint.server.testsupport.KeymintServer;
import dev.keymint.server.testsupport.RawHttp;
import dev.keymint.server.testsupport.TokenClient;
import dev.keymint.server.testsupport.TokenClient.Response;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Input that probes found to cause 5xx or leak framework defaults on the admin API: every one
 * gets a 4xx problem JSON, writes nothing, and every 401 and 403 carries its RFC 6750 challenge.
 */
class AdminHardeningTest {

    @AutoClose
    private static KeymintServer server;
    private static AdminClient admin;
    private static String keyId;

    @BeforeAll
    static void start() {
        server = KeymintServer.onFreshDatabase().property("keymint.operator-org", "operator").start();
        admin = AdminClient.of(server, server.bootstrap("acme", "*:*"));
        keyId = admin.post("/keys", "{\"name\": \"target\", \"scopes\": [\"read:x\"]}").field("id");
    }

    @Test
    void formAndMultipartBodiesThen415Problem() {
        String token = token();
        long keys = server.count("api_keys");
        for (String type : List.of("multipart/form-data", "multipart/form-data; boundary=x", "multipart/mixed",
                "application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=UTF-8")) {
            Response response = TokenClient.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/admin/v1/keys"))
                    .header("Authorization", "Bearer " + token)
                    .header("Content-Type", type)
                    .POST(HttpRequest.BodyPublishers.ofString("name=x&scopes=read:x")).build());

            assertProblem(response, 415, type);
            assertThat(response.field("detail")).contains("application/json");
        }
        assertThat(server.count("api_keys")).isEqualTo(keys);
    }

    @Test
    void nulInAnyParameterOrPathThen4xxNeverDatabaseUnavailable() {
        for (String path : List.of("/keys?name=%00", "/keys?name=a%00b", "/keys?status=%00", "/keys?limit=%00",
                "/keys?cursor=%00", "/audit?cursor=%00", "/usage?from=%00", "/usage/keys/" + keyId + "?to=%00",
                "/keys?%00=x")) {
            assertProblem(admin.get(path), 400, path);
        }
        assertProblem(admin.get("/keys/%00"), 400, "NUL id, refused by Tomcat itself");
        assertProblem(admin.delete("/keys/" + keyId + "?confirm=%00"), 400, "NUL confirm");
        assertThat(admin.get("/keys/" + keyId).status()).isEqualTo(200);
    }

    @Test
    void malformedPercentEncodingThen400Problem() {
        for (String query : List.of("name=q%", "name=q%zz", "name=%C0%80", "status=%")) {
            RawHttp.Reply reply = RawHttp.send(server.baseUrl(), "GET /admin/v1/keys?" + query, "Bearer " + token());

            assertThat(reply.status()).as(query + " -> " + reply.body()).isEqualTo(400);
            assertThat(reply.header("Content-Type")).as(query).startsWith("application/problem+json");
            assertThat(reply.body()).as(query).doesNotContain("timestamp").doesNotContain("Exception");
        }
    }

    @Test
    void nameFilterTakesPercentAndUnderscoreLiterally() {
        String odd = admin.post("/keys", "{\"name\": \"100% _real_\", \"scopes\": [\"read:x\"]}").field("id");

        assertThat(admin.get("/keys?name=0%25%20_r").body()).contains(odd).doesNotContain(keyId);
        assertThat(admin.get("/keys?name=%25").body()).contains(odd).doesNotContain(keyId);
        assertThat(admin.get("/keys?name=_").body()).contains(odd).doesNotContain(keyId);
    }

    @Test
    void timestampsOutsideSaneBoundsThen400NeverDatabaseUnavailable() {
        for (String path : List.of("/usage?from=-4714-01-01T00:00:00Z",
                "/usage?from=-4714-01-01T00:00:00Z&to=-4714-01-02T00:00:00Z",
                "/usage?from=+294277-01-01T00:00:00Z&to=+294277-01-02T00:00:00Z",
                "/usage?from=0001-01-01T00:00:00Z&to=0001-01-02T00:00:00Z",
                "/usage/keys/" + keyId + "?from=-4714-01-01T00:00:00Z&to=-4714-01-02T00:00:00Z",
                "/keys?cursor=" + cursor(-9_000_000_000_000_000L), "/keys?cursor=" + cursor(900_000_000_000_000_000L))) {
            Response response = admin.get(path);

            assertProblem(response, 400, path);
            assertThat(response.field("detail")).as(path).doesNotContain("database");
        }
        assertThat(admin.get("/usage?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z").status()).isEqualTo(200);
    }

    @Test
    void nulUnpairedSurrogatesAndOverflowInBodyFieldsThen400AndNothingWritten() {
        long keys = server.count("api_keys");
        long events = server.count("audit_events");
        for (String body : List.of(
                "{\"name\": \"x\", \"scopes\": [\"read:a\\u0000\"]}",
                "{\"name\": \"x\", \"scopes\": [\"read:x\"], \"allowed_cidrs\": [\"10.0.0.0/8\\u0000\"]}",
                "{\"name\": \"x\", \"scopes\": [\"read:x\"], \"team\": \"t\\u0000\"}",
                "{\"name\": \"x\", \"scopes\": [\"read:x\"], \"owner\": \"\\u0000\"}",
                "{\"name\": \"x\", \"scopes\": [\"read:x\"], \"quota\": {\"limit\": 1e400, \"period\": \"day\"}}",
                "{\"name\": \"x\", \"scopes\": [\"read:x\"], \"rate_limit_per_minute\": 1e400}",
                "{\"name\": \"x\", \"scopes\": [\"read:x\"], \"expires_at\": \"+294277-01-01T00:00:00Z\"}",
                "{\"name\": \"x\", \"scopes\": [\"read:x\"], \"\\u0000\": 1}",
                "{\"name\": \"x\", \"scopes\": [\"read:x\"], \"owner\": \"a\\ud800\"}",
                "{\"name\": \"x\", \"scopes\": [\"read:x\"], \"team\": \"\\udc00b\"}",
                "{\"name\": \"\\ud83d\", \"scopes\": [\"read:x\"]}")) {
            assertProblem(admin.post("/keys", body), 400, body);
            assertProblem(admin.patch("/keys/" + keyId, body.replace("\"name\": \"x\", \"scopes\": [\"read:x\"], ", "")
                    .replace("\"name\": \"x\", ", "")), 400, "patch " + body);
        }
        assertThat(server.count("api_keys")).isEqualTo(keys);
        assertThat(server.count("audit_events")).isEqualTo(events);
    }

    @Test
    void duplicateMembersInBodyThen400AndNothingWritten() {
        long keys = server.count("api_keys");
        long events = server.count("audit_events");

        Response create = admin.post("/keys", "{\"name\": \"a\", \"name\": \"b\", \"scopes\": [\"read:x\"]}");
        Response nested = admin.post("/keys",
                "{\"name\": \"a\", \"scopes\": [\"read:x\"], \"quota\": {\"limit\": 1, \"limit\": 2, \"period\": \"day\"}}");
        Response patch = admin.patch("/keys/" + keyId, "{\"name\": \"a\", \"name\": \"b\"}");

        for (Response response : List.of(create, nested, patch)) {
            assertProblem(response, 400, "duplicate");
            assertThat(response.field("detail")).contains("duplicate").contains("\"" + (response == nested ? "limit" : "name") + "\"");
        }
        assertThat(server.count("api_keys")).isEqualTo(keys);
        assertThat(server.count("audit_events")).isEqualTo(events);
        assertThat(admin.get("/keys/" + keyId).field("name")).isEqualTo("target");
    }

    @Test
    void every403CarriesBearerInsufficientScopeChallenge() {
        BootstrappedOrganization usageOnly = server.bootstrap("reader-co", "admin:usage/**");
        Response byFilter = AdminClient.of(server, usageOnly).get("/keys");
        Response notOperator = admin.get("/organizations");
        Response signingKeys = admin.get("/signing-keys");
        Response wrongTeam = teamAdmin().post("/keys", "{\"name\": \"x\", \"scopes\": [\"read:x\"], \"team\": \"ops\"}");

        assertThat(byFilter.header("WWW-Authenticate")).contains("error=\"insufficient_scope\"")
                .contains("scope=\"admin:keys/**\"");
        for (Response response : List.of(byFilter, notOperator, signingKeys, wrongTeam)) {
            assertProblem(response, 403, response.body());
            assertThat(response.header("WWW-Authenticate")).as(response.body())
                    .startsWith("Bearer realm=\"keymint-admin\"").contains("error=\"insufficient_scope\"");
        }
    }

    @Test
    void unauthorizedChallengeLinksToProtectedResourceMetadataThatExists() {
        Response unauthorized = AdminClient.withToken(server, null).get("/keys");
        Matcher link = Pattern.compile("resource_metadata=\"([^\"]+)\"").matcher(unauthorized.header("WWW-Authenticate"));

        assertThat(link.find()).as(unauthorized.header("WWW-Authenticate")).isTrue();
        Response metadata = TokenClient.get(link.group(1));
        assertThat(metadata.status()).as(link.group(1)).isEqualTo(200);
        assertThat(metadata.header("Content-Type")).startsWith("application/json");
        JsonNode document = metadata.json();
        assertThat(document.get("resource").asString()).isEqualTo(server.issuer() + "/admin/v1");
        assertThat(document.get("authorization_servers").toString()).isEqualTo("[\"" + server.issuer() + "\"]");
        assertThat(document.get("bearer_methods_supported").toString()).isEqualTo("[\"header\"]");
        assertThat(document.get("scopes_supported").toString()).contains("\"admin:keys/**\"")
                .contains("\"admin:usage/**\"").contains("\"admin:audit/**\"");
        assertThat(link.group(1)).isEqualTo(server.issuer() + "/.well-known/oauth-protected-resource/admin/v1");
    }

    private static AdminClient teamAdmin() {
        Response key = admin.post("/keys",
                "{\"name\": \"platform admin\", \"scopes\": [\"admin:keys/**\", \"read:x\"], \"team\": \"platform\"}");
        return AdminClient.withToken(server, new TokenClient(server.tokenEndpoint())
                .basic(key.field("id"), key.field("api_key"), "grant_type", "client_credentials").accessToken());
    }

    private static String token() {
        BootstrappedOrganization key = server.bootstrap("raw-" + System.nanoTime(), "*:*");
        return new TokenClient(server.tokenEndpoint()).basic(key.clientId(), key.apiKey(),
                "grant_type", "client_credentials").accessToken();
    }

    private static String cursor(long micros) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((micros + ":" + keyId).getBytes(StandardCharsets.US_ASCII));
    }
}
