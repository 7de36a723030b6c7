package dev.keymint.server.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keymint.server.keys.cache.ApiKeyCache;
import dev.keymint.server.keys.cache.KeyCacheProperties;
import dev.keymint.server.organizations.OrganizationBootstrapper.BootstrappedOrganization;
import dev.keymint.server.testsupport.DatabaseOutage;
import dev.keymint.server.testsupport.KeymintServer;
import dev.keymint.server.testsupport.TokenClient;
import dev.keymint.server.testsupport.TokenClient.Response;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * When PostgreSQL stops answering, the token endpoint says so as OAuth JSON (503
 * {@code temporarily_unavailable}, retry later) instead of a 500 or a hang, and serves tokens
 * again once the database is back. Keys held in memory may still be served until the instance
 * notices it can no longer hear of key changes (at the latest when its lease of
 * {@code keymint.keys.cache.lease} ends): revoking needs the database too, so nothing is missed.
 */
class KeyStoreOutageTest {

    @Test
    void tokenWhenDatabaseRefusesConnectionsThenTemporarilyUnavailableAndRecoversAfterwards() throws Exception {
        KeymintServer.Builder builder = KeymintServer.onFreshDatabase();
        try (KeymintServer server = builder.start();
             DatabaseOutage outage = new DatabaseOutage(builder.jdbcUrl())) {
            BootstrappedOrganization key = server.bootstrap("outage-co", "*:*");
            TokenClient client = new TokenClient(server.tokenEndpoint());
            assertThat(token(client, key).status()).isEqualTo(200);
            ApiKeyCache cache = server.bean(ApiKeyCache.class);
            Instant confirmedBy = Instant.now().plusSeconds(10);
            while (!cache.answeringFromMemory() && Instant.now().isBefore(confirmedBy)) {
                Thread.sleep(10);
            }
            assertThat(cache.answeringFromMemory()).as("the key is served from memory before the outage").isTrue();
            assertThat(token(client, key).status()).isEqualTo(200);

            try {
                // The database goes away for the server: no new connections, the pooled ones cut.
                outage.begin();

                // Memory may answer until the listener notices, at the latest when its lease ends.
                Instant leaseOver = Instant.now().plus(server.bean(KeyCacheProperties.class).lease()).plusSeconds(1);
                Response refused = token(client, key);
                while (refused.status() == 200 && Instant.now().isBefore(leaseOver)) {
                    Thread.sleep(20);
                    refused = token(client, key);
                }

                assertThat(refused.status()).isEqualTo(503);
                assertThat(refused.field("error")).isEqualTo("temporarily_unavailable");
                assertThat(refused.header("Retry-After")).isEqualTo("1");
                assertThat(refused.field("access_token")).isNull();
            } finally {
                outage.end();
            }

            Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
            Response recovered = token(client, key);
            while (recovered.status() != 200 && Instant.now().isBefore(deadline)) {
                Thread.sleep(200);
                recovered = token(client, key);
            }
            assertThat(recovered.status()).isEqualTo(200);
        }
    }

    private static Response token(TokenClient client, BootstrappedOrganization key) {
        return client.basic(key.clientId(), key.apiKey(), "grant_type", "client_credentials");
    }
}
