package dev.keymint.server.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.SignedJWT;
import dev.keymint.server.keys.ApiKeyFixtures;
import dev.keymint.server.keys.LastUsedRecorder;
import dev.keymint.server.organizations.OrganizationBootstrapper.BootstrappedOrganization;
import dev.keymint.server.testsupport.KeymintServer;
import dev.keymint.server.testsupport.TokenClient;
import dev.keymint.server.testsupport.TokenClient.Response;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /oauth/token} over real HTTP against a real PostgreSQL: the successful exchange,
 * downscoping, and every error a client can provoke.
 */
class TokenEndpointTest {

    private static KeymintServer server;
    private static TokenClient client;
    private static BootstrappedOrganization acme;

    @BeforeAll
    static void start() {
        server = KeymintServer.onFreshDatabase()
                .property("keymint.keys.last-used-flush-interval", "1h")
                .start();
        client = new TokenClient(server.tokenEndpoint());
        acme = server.bootstrap("acme", "read:projects/**", "write:projects/42/**");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void tokenWhenBasicCredentialsThenAccessTokenWithEveryClaimOfTheProfile() throws Exception {
        Instant before = Instant.now().minusSeconds(1);
        Response response = client.basic(acme.clientId(), acme.apiKey(), "grant_type", "client_credentials");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("Cache-Control")).contains("no-store");
        assertThat(response.field("token_type")).isEqualTo("Bearer");
        assertThat(response.json().get("expires_in").asInt()).isEqualTo(600);
        assertThat(response.field("scope")).isEqualTo("read:projects/** write:projects/42/**");

        SignedJWT jwt = SignedJWT.parse(response.accessToken());
        assertThat(jwt.getHeader().getType().getType()).isEqualTo("at+jwt");
        assertThat(jwt.getHeader().getKeyID()).isNotBlank();
        assertThat(jwt.getHeader().getAlgorithm().getName()).isEqualTo("RS256");
        var claims = jwt.getJWTClaimsSet();
        assertThat(claims.getIssuer()).isEqualTo(server.issuer());
        assertThat(claims.getSubject()).isEqualTo(acme.clientId());
        assertThat(claims.getStringClaim("client_id")).isEqualTo(acme.clientId());
        assertThat(claims.getAudience()).containsExactly("keymint");
        assertThat(claims.getStringClaim("org")).isEqualTo("acme");
        assertThat(claims.getClaim("scope")).isEqualTo("read:projects/** write:projects/42/**");
        assertThat(claims.getIssueTime().toInstant()).isAfter(before);
        assertThat(claims.getNotBeforeTime()).isEqualTo(claims.getIssueTime());
        assertThat(claims.getExpirationTime().toInstant())
                .isEqualTo(claims.getIssueTime().toInstant().plusSeconds(600));
        assertThat(claims.getJWTID()).hasSizeGreaterThanOrEqualTo(20);
    }

    @Test
    void tokenWhenPostCredentialsThenAccessToken() {
        Response response = client.post(acme.clientId(), acme.apiKey(), "grant_type", "client_credentials");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.field("access_token")).isNotBlank();
    }

    @Test
    void tokensAreUniquePerRequest() throws Exception {
        String first = client.basic(acme.clientId(), acme.apiKey(), "grant_type", "client_credentials").accessToken();
        String second = client.basic(acme.clientId(), acme.apiKey(), "grant_type", "client_credentials").accessToken();

        assertThat(SignedJWT.parse(first).getJWTClaimsSet().getJWTID())
                .isNotEqualTo(SignedJWT.parse(second).getJWTClaimsSet().getJWTID());
    }

    @Test
    void tokenWhenScopeRequestedWithinGrantThenTokenCarriesOnlyThatScope() throws Exception {
        Response response = client.basic(acme.clientId(), acme.apiKey(),
                "grant_type", "client_credentials", "scope", "read:projects/7/docs/*");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.field("scope")).isEqualTo("read:projects/7/docs/*");
        assertThat(SignedJWT.parse(response.accessToken()).getJWTClaimsSet().getClaim("scope"))
                .isEqualTo("read:projects/7/docs/*");
    }

    @Test
    void tokenWhenSeveralScopesRequestedThenEachMustBeCovered() {
        Response covered = client.basic(acme.clientId(), acme.apiKey(), "grant_type", "client_credentials",
                "scope", "read:projects/1 write:projects/42/x");
        Response notCovered = client.basic(acme.clientId(), acme.apiKey(), "grant_type", "client_credentials",
                "scope", "read:projects/1 write:projects/43");

        assertThat(covered.status()).isEqualTo(200);
        assertThat(covered.field("scope")).isEqualTo("read:projects/1 write:projects/42/x");
        assertThat(notCovered.status()).isEqualTo(400);
        assertThat(notCovered.field("error")).isEqualTo("invalid_scope");
        assertThat(notCovered.field("error_description")).contains("write:projects/43");
    }

    @Test
    void tokenWhenScopeBroaderThanGrantThenInvalidScope() {
        for (String scope : List.of("read:*", "admin:projects/1", "*:projects/1", "read:projects/**/x")) {
            Response response = client.basic(acme.clientId(), acme.apiKey(),
                    "grant_type", "client_credentials", "scope", scope);

            assertThat(response.status()).as(scope).isEqualTo(400);
            assertThat(response.field("error")).as(scope).isEqualTo("invalid_scope");
        }
    }

    @Test
    void tokenWhenScopeMalformedThenInvalidScopeWithPrintableDescription() {
        for (String scope : List.of("bogus", "read:", "read:a//b", "delete:x", "read:\u0007x", "read:\"x\\y")) {
            Response response = client.basic(acme.clientId(), acme.apiKey(),
                    "grant_type", "client_credentials", "scope", scope);

            assertThat(response.status()).as(scope).isEqualTo(400);
            assertThat(response.field("error")).as(scope).isEqualTo("invalid_scope");
            assertThat(response.field("error_description")).as(scope).matches("[\\x20\\x21\\x23-\\x5B\\x5D-\\x7E]+");
        }
    }

    @Test
    void tokenWhenWrongSecretThenInvalidClientWithChallenge() {
        Response response = client.basic(acme.clientId(), ApiKeyFixtures.wellFormedKeyWithWrongSecret(acme.clientId()),
                "grant_type", "client_credentials");

        assertInvalidClient(response);
        assertThat(response.header("WWW-Authenticate")).startsWith("Basic");
    }

    @Test
    void tokenWhenUnknownClientThenInvalidClient() {
        String unknownId = "AAAAAAAAAAAAAAAA";
        assertInvalidClient(client.basic(unknownId, ApiKeyFixtures.wellFormedKeyWithWrongSecret(unknownId),
                "grant_type", "client_credentials"));
    }

    @Test
    void tokenWhenSecretHasTypoThenInvalidClientBeforeAnyLookup() {
        String typo = acme.apiKey().substring(0, 30) + (acme.apiKey().charAt(30) == 'a' ? 'b' : 'a')
                + acme.apiKey().substring(31);

        Response response = client.basic(acme.clientId(), typo, "grant_type", "client_credentials");

        assertInvalidClient(response);
        assertThat(response.field("error_description")).contains("not a well-formed");
    }

    @Test
    void tokenWhenClientIdDoesNotMatchKeyThenInvalidClient() {
        BootstrappedOrganization other = server.bootstrap("globex", "read:*");

        assertInvalidClient(client.basic(acme.clientId(), other.apiKey(), "grant_type", "client_credentials"));
        assertInvalidClient(client.post(other.clientId(), acme.apiKey(), "grant_type", "client_credentials"));
    }

    @Test
    void tokenWhenNoCredentialsThenInvalidClient() {
        assertInvalidClient(client.post(null, "grant_type=client_credentials"));
        assertInvalidClient(client.post("Basic !!!not-base64", "grant_type=client_credentials"));
        assertInvalidClient(client.post("Bearer something", "grant_type=client_credentials"));
        assertInvalidClient(client.basic(acme.clientId(), "", "grant_type", "client_credentials"));
    }

    @Test
    void tokenWhenKeyDisabledRevokedOrExpiredThenInvalidClientSayingWhy() {
        BootstrappedOrganization disabled = server.bootstrap("disabled-co", "read:*");
        BootstrappedOrganization revoked = server.bootstrap("revoked-co", "read:*");
        BootstrappedOrganization expired = server.bootstrap("expired-co", "read:*");
        server.jdbc().sql("update api_keys set status = 'disabled' where id = ?").param(disabled.clientId()).update();
        server.jdbc().sql("update api_keys set status = 'revoked', revoked_at = now() where id = ?")
                .param(revoked.clientId()).update();
        server.jdbc().sql("update api_keys set expires_at = now() - interval '1 second' where id = ?")
                .param(expired.clientId()).update();

        Map.of(disabled, "disabled", revoked, "revoked", expired, "expired").forEach((key, status) -> {
            Response response = client.basic(key.clientId(), key.apiKey(), "grant_type", "client_credentials");
            assertInvalidClient(response);
            assertThat(response.field("error_description")).isEqualTo("The API key is " + status);
        });
    }

    @Test
    void tokenWhenGrantTypeMissingOrRepeatedThenInvalidRequest() {
        for (String body : List.of("", "scope=read:x", "grant_type=client_credentials&grant_type=client_credentials")) {
            Response response = client.post(basicHeader(), body);

            assertThat(response.status()).as(body).isEqualTo(400);
            assertThat(response.field("error")).as(body).isEqualTo("invalid_request");
        }
    }

    @Test
    void tokenWhenOtherGrantTypeThenUnsupportedGrantType() {
        for (String grant : List.of("password", "authorization_code", "refresh_token", "urn:ietf:params:oauth:grant-type:jwt-bearer", "x")) {
            Response response = client.basic(acme.clientId(), acme.apiKey(), "grant_type", grant);

            assertThat(response.status()).as(grant).isEqualTo(400);
            assertThat(response.field("error")).as(grant).isEqualTo("unsupported_grant_type");
        }
    }

    @Test
    void tokenEndpointWhenNotPostThen405WithoutRedirect() {
        for (String method : List.of("GET", "PUT", "DELETE")) {
            Response response = TokenClient.send(HttpRequest.newBuilder(URI.create(server.tokenEndpoint()))
                    .method(method, HttpRequest.BodyPublishers.noBody()).build());

            assertThat(response.status()).as(method).isEqualTo(405);
            assertThat(response.header("Allow")).isEqualTo("POST");
            assertThat(response.field("error")).isEqualTo("invalid_request");
        }
    }

    @Test
    void tokenWhenBodyIsNotAFormThenClearClientErrorNeverServerError() {
        Response json = TokenClient.send(HttpRequest.newBuilder(URI.create(server.tokenEndpoint()))
                .header("Content-Type", "application/json").header("Authorization", basicHeader())
                .POST(HttpRequest.BodyPublishers.ofString("{\"grant_type\":\"client_credentials\"}")).build());
        Response garbage = client.post(basicHeader(), "%%%&&&===");
        Response huge = client.post(basicHeader(), "grant_type=client_credentials&scope=" + "read:a/".repeat(5000) + "b");

        assertThat(json.status()).isEqualTo(400);
        assertThat(json.field("error")).isEqualTo("invalid_request");
        assertThat(garbage.status()).isBetween(400, 499);
        assertThat(huge.status()).isEqualTo(400);
        assertThat(huge.field("error")).isEqualTo("invalid_scope");
    }

    @Test
    void tokenPathWritesNothingPerTokenAndLastUsedIsFlushedInBatches() {
        BootstrappedOrganization fresh = server.bootstrap("batch-co", "read:*");
        String before = databaseFingerprint();

        for (int i = 0; i < 25; i++) {
            client.basic(fresh.clientId(), fresh.apiKey(), "grant_type", "client_credentials").accessToken();
        }

        assertThat(databaseFingerprint()).isEqualTo(before);
        assertThat(server.row("select last_used_at from api_keys where id = ?", fresh.clientId()).get("last_used_at"))
                .isNull();
        server.bean(LastUsedRecorder.class).flush();
        assertThat(databaseFingerprint()).isNotEqualTo(before);
        assertThat(server.row("select last_used_at from api_keys where id = ?", fresh.clientId()).get("last_used_at"))
                .isNotNull();
    }

    /** Changes whenever a row of any Keymint table is inserted, updated or deleted (xmin moves on update). */
    private static String databaseFingerprint() {
        return (String) server.row("""
                select (select string_agg(id || '@' || xmin::text, ',' order by id) from api_keys)
                    || '|' || (select string_agg(id || '@' || xmin::text, ',' order by id) from organizations)
                    || '|' || (select string_agg(kid || '@' || xmin::text, ',' order by kid) from signing_keys) as fingerprint
                """).get("fingerprint");
    }

    private static String basicHeader() {
        return "Basic " + java.util.Base64.getEncoder().encodeToString((acme.clientId() + ":" + acme.apiKey()).getBytes());
    }

    private static void assertInvalidClient(Response response) {
        assertThat(response.status()).as(response.body()).isEqualTo(401);
        assertThat(response.field("error")).isEqualTo("invalid_client");
        assertThat(response.header("WWW-Authenticate")).isNotBlank();
        assertThat(response.header("Cache-Control")).contains("no-store");
    }
}
