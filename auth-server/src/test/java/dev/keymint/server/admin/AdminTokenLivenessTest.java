package dev.keymint.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keymint.server.testsupport.AdminClient;
import dev.keymint.server.testsupport.KeymintServer;
import dev.keymint.server.testsupport.TokenClient;
import dev.keymint.server.testsupport.TokenClient.Response;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The admin API refuses a still-unexpired token whose key is no longer active, on the very next call
 * and on every instance: the token of a disabled, revoked, deleted or expired admin key cannot create
 * keys that would outlive the incident response.
 */
class AdminTokenLivenessTest {

    private static final String ISSUER = "https://keymint.test";
    @AutoClose
    private static KeymintServer first;
    @AutoClose
    private static KeymintServer second;
    private static AdminClient admin;

    @BeforeAll
    static void start() {
        KeymintServer.Builder builder = KeymintServer.onFreshDatabase().property("keymint.issuer", ISSUER);
        first = builder.start();
        second = builder.start();
        admin = AdminClient.of(first, first.bootstrap("acme", "*:*"));
    }

    @Test
    void revokedAdminKeysTokenIsRefusedOnTheNextCallOnBothInstances() {
        String token = adminToken(null);
        assertThat(createKey(first, token).status()).isEqualTo(201);
        assertThat(createKey(second, token).status()).isEqualTo(201);

        assertThat(admin.post("/keys/" + keyIdOf(token) + "/revoke", null).status()).isEqualTo(200);

        assertRefusedOnBoth(token, "revoked");
    }

    @Test
    void disabledAdminKeysTokenIsRefusedOnBothInstancesAndAcceptedAgainOnceEnabled() {
        String token = adminToken(null);
        assertThat(createKey(second, token).status()).isEqualTo(201);

        assertThat(admin.post("/keys/" + keyIdOf(token) + "/disable", null).status()).isEqualTo(200);
        assertRefusedOnBoth(token, "disabled");

        assertThat(admin.post("/keys/" + keyIdOf(token) + "/enable", null).status()).isEqualTo(200);
        assertThat(createKey(first, token).status()).isEqualTo(201);
        assertThat(createKey(second, token).status()).isEqualTo(201);
    }

    @Test
    void deletedAdminKeysTokenIsRefusedOnBothInstances() {
        String token = adminToken(null);
        assertThat(createKey(first, token).status()).isEqualTo(201);

        assertThat(admin.delete("/keys/" + keyIdOf(token) + "?confirm=true").status()).isEqualTo(204);

        assertRefusedOnBoth(token, "no longer exists");
    }

    @Test
    void expiredAdminKeysTokenIsRefusedOnBothInstances() throws Exception {
        Instant expiresAt = Instant.now().plusSeconds(2).truncatedTo(ChronoUnit.SECONDS);
        String token = adminToken(expiresAt);
        assertThat(createKey(first, token).status()).isEqualTo(201);

        Thread.sleep(Math.max(0, expiresAt.toEpochMilli() - System.currentTimeMillis()) + 100);

        // The token's own exp equals the key's expiry, but verifiers allow clock skew: the key's row decides.
        assertRefusedOnBoth(token, "expired");
    }

    private static void assertRefusedOnBoth(String token, String reason) {
        for (KeymintServer server : new KeymintServer[] {first, second}) {
            Response refused = createKey(server, token);
            assertThat(refused.status()).as(refused.body()).isEqualTo(401);
            assertThat(refused.header("WWW-Authenticate")).contains("invalid_token");
            assertThat(refused.body()).contains(reason);
        }
    }

    /** A token of a new admin key holding admin:keys/**, created through the admin API. */
    private static String adminToken(Instant expiresAt) {
        Response created = admin.post("/keys", "{\"name\": \"second admin\", \"scopes\": [\"admin:keys/**\", \"read:x/**\"]"
                + (expiresAt == null ? "" : ", \"expires_at\": \"" + expiresAt + "\"") + "}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return new TokenClient(first.tokenEndpoint())
                .basic(created.field("id"), created.field("api_key"), "grant_type", "client_credentials").accessToken();
    }

    private static String keyIdOf(String token) {
        try {
            return com.nimbusds.jwt.SignedJWT.parse(token).getJWTClaimsSet().getStringClaim("client_id");
        } catch (java.text.ParseException e) {
            throw new AssertionError(e);
        }
    }

    private static Response createKey(KeymintServer server, String token) {
        return AdminClient.withToken(server, token).post("/keys", "{\"name\": \"left behind\", \"scopes\": [\"read:x/**\"]}");
    }
}
