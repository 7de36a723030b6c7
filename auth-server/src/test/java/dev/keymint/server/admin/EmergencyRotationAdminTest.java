package dev.keymint.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keymint.server.organizations.OrganizationBootstrapper.BootstrappedOrganization;
import dev.keymint.server.testsupport.AdminClient;
import dev.keymint.server.testsupport.KeymintServer;
import dev.keymint.server.testsupport.TokenClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * After an emergency rotation the admin API stops accepting tokens signed with the compromised key:
 * on the rotating instance at once, on the other as soon as it notices the key is gone (it looks every
 * 500 ms; before, it kept accepting them for its refresh interval plus its verifier's JWKS cache); and
 * the new key's tokens are accepted on the rotating instance from the first.
 */
class EmergencyRotationAdminTest {

    private static final String ISSUER = "https://keymint.test";
    private static KeymintServer first;
    private static KeymintServer second;
    private static BootstrappedOrganization operatorKey;

    @BeforeAll
    static void start() {
        KeymintServer.Builder builder = KeymintServer.onFreshDatabase().property("keymint.issuer", ISSUER)
                .property("keymint.operator-org", "operator");
        first = builder.start();
        second = builder.start();
        operatorKey = first.bootstrap("operator", "admin:signing-keys/**", "admin:keys/**");
    }

    @AfterAll
    static void stop() {
        second.close();
        first.close();
    }

    @Test
    void compromisedKeysTokensAreRefusedAtOnceOnTheRotatingInstanceAndSoonOnTheOther() throws Exception {
        String compromised = AdminClient.of(first, operatorKey).token();
        assertThat(AdminClient.withToken(second, compromised).get("/keys").status()).isEqualTo(200);

        var rotated = AdminClient.withToken(first, compromised).post("/signing-keys/rotate?emergency=true", "");
        assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);

        var onRotatingInstance = AdminClient.withToken(first, compromised).get("/keys");
        assertThat(onRotatingInstance.status()).isEqualTo(401);
        assertThat(onRotatingInstance.body()).contains("no longer published");

        assertThat(statusWithin(second, compromised, 401)).isEqualTo(401);

        // A new key's tokens: at once on the instance that rotated (its verifier reads its keys in
        // memory), soon on the other (it learns the new key from the database).
        String fresh = AdminClient.of(first, operatorKey).token();
        var onRotatingInstanceWithNewKey = AdminClient.withToken(first, fresh).get("/keys");
        assertThat(onRotatingInstanceWithNewKey.status()).as(onRotatingInstanceWithNewKey.body()).isEqualTo(200);
        assertThat(statusWithin(second, fresh, 200)).isEqualTo(200);
    }

    /** The status of GET /keys with this token once it is {@code expected}, or the last one after 5 s. */
    private static int statusWithin(KeymintServer server, String token, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        int status = AdminClient.withToken(server, token).get("/keys").status();
        while (status != expected && System.nanoTime() < deadline) {
            Thread.sleep(50);
            status = AdminClient.withToken(server, token).get("/keys").status();
        }
        return status;
    }
}
