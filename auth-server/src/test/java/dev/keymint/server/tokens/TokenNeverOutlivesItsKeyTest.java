package dev.keymint.server.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.SignedJWT;
import dev.keymint.server.organizations.OrganizationBootstrapper.BootstrappedOrganization;
import dev.keymint.server.testsupport.KeymintServer;
import dev.keymint.server.testsupport.TokenClient;
import dev.keymint.server.testsupport.TokenClient.Response;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A token's exp is never after its key's expires_at, and expires_in says the same. */
class TokenNeverOutlivesItsKeyTest {

    private static KeymintServer server;
    private static TokenClient client;

    @BeforeAll
    static void start() {
        server = KeymintServer.onFreshDatabase().start();
        client = new TokenClient(server.tokenEndpoint());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void tokenWhenKeyExpiresBeforeTheTtlThenExpIsTheKeysExpiryAndExpiresInAgrees() throws Exception {
        BootstrappedOrganization key = server.bootstrap("soon", "read:x/**");
        Instant keyExpires = Instant.now().plusSeconds(90).truncatedTo(ChronoUnit.MILLIS).plusMillis(500);
        server.jdbc().sql("update api_keys set expires_at = ? where id = ?")
                .params(Timestamp.from(keyExpires), key.clientId()).update();

        Response response = client.basic(key.clientId(), key.apiKey(), "grant_type", "client_credentials");

        var claims = SignedJWT.parse(response.accessToken()).getJWTClaimsSet();
        Instant exp = claims.getExpirationTime().toInstant();
        assertThat(exp).isEqualTo(keyExpires.truncatedTo(ChronoUnit.SECONDS));
        assertThat(response.json().get("expires_in").asLong())
                .isEqualTo(exp.getEpochSecond() - claims.getIssueTime().toInstant().getEpochSecond())
                .isBetween(85L, 91L);
    }

    @Test
    void tokenWhenKeyExpiresAfterTheTtlThenTheUsualLifetime() throws Exception {
        BootstrappedOrganization key = server.bootstrap("later", "read:x/**");
        server.jdbc().sql("update api_keys set expires_at = now() + interval '1 hour' where id = ?")
                .param(key.clientId()).update();

        Response response = client.basic(key.clientId(), key.apiKey(), "grant_type", "client_credentials");

        var claims = SignedJWT.parse(response.accessToken()).getJWTClaimsSet();
        assertThat(response.json().get("expires_in").asLong()).isEqualTo(600);
        assertThat(claims.getExpirationTime().toInstant()).isEqualTo(claims.getIssueTime().toInstant().plusSeconds(600));
    }
}
