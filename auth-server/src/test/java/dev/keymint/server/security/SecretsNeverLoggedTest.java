package dev.keymint.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keymint.server.keys.ApiKeyFixtures;
import dev.keymint.server.organizations.OrganizationBootstrapper.BootstrappedOrganization;
import dev.keymint.server.testsupport.AdminClient;
import dev.keymint.server.testsupport.KeymintServer;
import dev.keymint.server.testsupport.TokenClient;
import dev.keymint.server.testsupport.TokenClient.Response;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * With Keymint's and Spring Security's logs at DEBUG, every path that handles a secret — bootstrap,
 * token exchange (good, wrong, disabled key), admin key creation and reroll (old and new secret), the access tokens themselves —
 * leaves no secret in the log output.
 */
@ExtendWith(OutputCaptureExtension.class)
class SecretsNeverLoggedTest {

    @Test
    void noApiKeySecretOrAccessTokenAppearsInTheLogs(CapturedOutput output) {
        List<String> secrets = new ArrayList<>();
        try (KeymintServer server = KeymintServer.onFreshDatabase()
                .property("logging.level.dev.keymint", "DEBUG")
                .property("logging.level.org.springframework.security", "DEBUG")
                .start()) {
            BootstrappedOrganization acme = server.bootstrap("acme", "*:*");
            secrets.add(acme.apiKey());
            TokenClient client = new TokenClient(server.tokenEndpoint());

            String token = client.basic(acme.clientId(), acme.apiKey(), "grant_type", "client_credentials").accessToken();
            secrets.add(token);
            client.post(acme.clientId(), acme.apiKey(), "grant_type", "client_credentials", "scope", "nope:x");
            String wrong = ApiKeyFixtures.wellFormedKeyWithWrongSecret(acme.clientId());
            secrets.add(wrong);
            client.basic(acme.clientId(), wrong, "grant_type", "client_credentials");

            Response created = AdminClient.withToken(server, token)
                    .post("/keys", "{\"name\": \"reader\", \"scopes\": [\"read:x\"]}");
            assertThat(created.status()).isEqualTo(201);
            String newKey = created.field("api_key");
            secrets.add(newKey);
            Response rerolled = AdminClient.withToken(server, token)
                    .post("/keys/" + created.field("id") + "/reroll", "{\"grace_period_seconds\": 0}");
            assertThat(rerolled.status()).isEqualTo(200);
            secrets.add(rerolled.field("api_key"));
            client.basic(created.field("id"), newKey, "grant_type", "client_credentials"); // replaced
            client.basic(created.field("id"), rerolled.field("api_key"), "grant_type", "client_credentials");
            AdminClient.withToken(server, token).post("/keys/" + created.field("id") + "/disable", "");
            client.basic(created.field("id"), newKey, "grant_type", "client_credentials");
        }

        assertThat(output.getAll()).as("the DEBUG logs were captured").contains("dev.keymint");
        for (String secret : secrets) {
            String secretPart = secret.startsWith(dev.keymint.server.keys.ApiKeyFormat.PREFIX)
                    ? secret.substring(secret.lastIndexOf('_') + 1)
                    : secret.substring(secret.lastIndexOf('.') + 1);
            assertThat(output.getAll()).doesNotContain(secretPart);
        }
    }
}
