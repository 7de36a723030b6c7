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

/** Signing-key rotation on demand through the admin API: the operator's alone, and audited. */
class AdminSigningKeysTest {

    private static KeymintServer server;
    private static AdminClient operator;
    private static AdminClient tenant;

    @BeforeAll
    static void start() {
        server = KeymintServer.onFreshDatabase().property("keymint.operator-org", "operator").start();
        BootstrappedOrganization operatorKey = server.bootstrap("operator", "admin:signing-keys/**", "admin:audit/**");
        operator = AdminClient.of(server, operatorKey);
        tenant = AdminClient.of(server, server.bootstrap("acme", "*:*"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void operatorRotatesAndTheNewKeyIsPublishedAsNextWithoutPrivateMaterial() {
        String jwksBefore = TokenClient.get(server.baseUrl() + "/oauth/jwks").body();

        Response rotated = operator.post("/signing-keys/rotate", "");

        assertThat(rotated.status()).isEqualTo(200);
        String kid = rotated.field("kid");
        assertThat(rotated.body()).contains("\"state\":\"next\"").contains("\"state\":\"current\"")
                .doesNotContain("private").doesNotContain("\"d\"");
        assertThat(TokenClient.get(server.baseUrl() + "/oauth/jwks").body()).contains(kid).isNotEqualTo(jwksBefore);
        assertThat(operator.get("/signing-keys").body()).contains(kid);
        assertThat(operator.get("/audit").body()).contains("signing-key.rotate").contains(kid);
    }

    @Test
    void tenantAdminCannotSeeOrRotateSigningKeysEvenWithEveryScope() {
        assertThat(tenant.get("/signing-keys").status()).isEqualTo(403);
        assertThat(tenant.post("/signing-keys/rotate", "").status()).isEqualTo(403);
        assertThat(tenant.post("/signing-keys/rotate?emergency=true", "").status()).isEqualTo(403);
    }

    @Test
    void rotateWhenEmergencyFlagMalformedThen400() {
        Response response = operator.post("/signing-keys/rotate?emergency=yes", "");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
    }
}
