package dev.keymint.server.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keymint.server.organizations.OrganizationBootstrapper.BootstrappedOrganization;
import dev.keymint.server.testsupport.AdminClient;
import dev.keymint.server.testsupport.KeymintServer;
import dev.keymint.server.testsupport.TokenClient;
import dev.keymint.server.testsupport.TokenClient.Response;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * RFC 7662 introspection at {@code POST /oauth/introspect}, as a resource server in another language
 * calls it: authenticated with a Keymint key holding {@code read:introspection}, answered for tokens of
 * the caller's organization only, {@code active: false} for anything this server would not accept now.
 */
class IntrospectionTest {

    private static KeymintServer server;
    private static TokenClient introspect;
    private static TokenClient tokens;
    private static AdminClient admin;
    private static Key resourceServer;
    private static Key client;

    @BeforeAll
    static void start() {
        server = KeymintServer.onFreshDatabase().start();
        introspect = new TokenClient(server.baseUrl() + "/oauth/introspect");
        tokens = new TokenClient(server.tokenEndpoint());
        admin = AdminClient.of(server, server.bootstrap("acme", "*:*"));
        resourceServer = create("read:introspection");
        client = create("read:projects/**", "write:projects/42/**");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void introspectWhenGoodTokenOfOwnOrganizationThenActiveWithItsClaims() throws Exception {
        String token = token(client);
        var jwt = com.nimbusds.jwt.SignedJWT.parse(token).getJWTClaimsSet();

        Response response = introspect.basic(resourceServer.clientId(), resourceServer.apiKey(), "token", token);

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.header("Cache-Control")).contains("no-store");
        assertThat(response.json().get("active").asBoolean()).isTrue();
        assertThat(response.field("scope")).isEqualTo("read:projects/** write:projects/42/**");
        assertThat(response.field("client_id")).isEqualTo(client.clientId());
        assertThat(response.field("sub")).isEqualTo(client.clientId());
        assertThat(response.field("token_type")).isEqualTo("Bearer");
        assertThat(response.field("iss")).isEqualTo(server.issuer());
        assertThat(response.field("org")).isEqualTo("acme");
        assertThat(response.json().get("aud").toString()).isEqualTo("[\"keymint\"]");
        assertThat(response.json().get("exp").asLong()).isEqualTo(jwt.getExpirationTime().toInstant().getEpochSecond());
        assertThat(response.json().get("iat").asLong()).isEqualTo(jwt.getIssueTime().toInstant().getEpochSecond());
        assertThat(response.field("jti")).isEqualTo(jwt.getJWTID());
        assertThat(introspect.post(resourceServer.clientId(), resourceServer.apiKey(), "token", token,
                "token_type_hint", "access_token").json().get("active").asBoolean()).isTrue();
    }

    @Test
    void introspectWhenTokenOfAnotherOrganizationThenInactive() {
        BootstrappedOrganization foreign = server.bootstrap("globex", "read:projects/**");
        String foreignToken = tokens.basic(foreign.clientId(), foreign.apiKey(), "grant_type", "client_credentials")
                .accessToken();

        Response response = introspect.basic(resourceServer.clientId(), resourceServer.apiKey(), "token", foreignToken);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"active\":false}");
    }

    @Test
    void introspectWhenTokenMalformedTamperedOrNotAnAccessTokenThenInactive() {
        String token = token(client);
        String[] parts = token.split("\\.");
        String tampered = parts[0] + "." + parts[1] + "." + (parts[2].charAt(0) == 'A' ? "B" : "A") + parts[2].substring(1);
        String statusList = TokenClient.get(server.baseUrl() + "/oauth/status/1").body();

        for (String inactive : new String[] {"not-a-token", tampered, parts[0] + "." + parts[1] + ".", statusList}) {
            Response response = introspect.basic(resourceServer.clientId(), resourceServer.apiKey(), "token", inactive);
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("{\"active\":false}");
        }
    }

    @Test
    void introspectWhenTheTokensKeyIsRevokedOrExpiredThenInactive() throws Exception {
        Key revoked = create("read:projects/**");
        Key expiring = create(Instant.now().plusSeconds(2), "read:projects/**");
        String revokedToken = token(revoked);
        String expiringToken = token(expiring);
        assertThat(admin.post("/keys/" + revoked.clientId() + "/revoke", null).status()).isEqualTo(200);

        assertThat(introspect.basic(resourceServer.clientId(), resourceServer.apiKey(), "token", revokedToken).body())
                .isEqualTo("{\"active\":false}");
        assertThat(introspect.basic(resourceServer.clientId(), resourceServer.apiKey(), "token", expiringToken)
                .json().get("active").asBoolean()).isTrue();
        Thread.sleep(2100);
        assertThat(introspect.basic(resourceServer.clientId(), resourceServer.apiKey(), "token", expiringToken).body())
                .isEqualTo("{\"active\":false}");
    }

    @Test
    void introspectWhenCallerLacksTheScopeThen403InsufficientScope() {
        Response response = introspect.basic(client.clientId(), client.apiKey(), "token", token(client));

        assertThat(response.status()).isEqualTo(403);
        assertThat(response.field("error")).isEqualTo("insufficient_scope");
        assertThat(response.field("error_description")).contains("read:introspection");
    }

    @Test
    void introspectWhenCredentialsWrongOrMissingThen401InvalidClient() {
        String token = token(client);
        String wrongSecret = resourceServer.apiKey().substring(0, resourceServer.apiKey().length() - 1)
                + (resourceServer.apiKey().endsWith("A") ? "B" : "A");

        Response wrong = introspect.basic(resourceServer.clientId(), wrongSecret, "token", token);
        Response missing = introspect.post(null, "token=" + token);

        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.field("error")).isEqualTo("invalid_client");
        assertThat(wrong.header("WWW-Authenticate")).startsWith("Basic");
        assertThat(wrong.body()).doesNotContain("active");
        assertThat(missing.status()).isEqualTo(401);
        assertThat(missing.field("error")).isEqualTo("invalid_client");
    }

    @Test
    void introspectWhenTokenParameterMissingThen400InvalidRequest() {
        Response response = introspect.basic(resourceServer.clientId(), resourceServer.apiKey(), "other", "x");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.field("error")).isEqualTo("invalid_request");
    }

    private static String token(Key key) {
        return tokens.basic(key.clientId(), key.apiKey(), "grant_type", "client_credentials").accessToken();
    }

    private static Key create(String... scopes) {
        return create(null, scopes);
    }

    private static Key create(Instant expiresAt, String... scopes) {
        Response created = admin.post("/keys", "{\"name\": \"k\", \"scopes\": [\"" + String.join("\", \"", scopes) + "\"]"
                + (expiresAt == null ? "" : ", \"expires_at\": \"" + expiresAt + "\"") + "}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return new Key(created.field("id"), created.field("api_key"));
    }

    record Key(String clientId, String apiKey) {
    }
}
