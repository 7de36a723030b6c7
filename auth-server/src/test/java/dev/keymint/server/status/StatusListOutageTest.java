package dev.keymint.server.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keymint.server.testsupport.DatabaseOutage;
import dev.keymint.server.testsupport.KeymintServer;
import dev.keymint.server.testsupport.TokenClient;
import dev.keymint.server.testsupport.TokenClient.Response;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * When PostgreSQL stops answering, the list is served from memory only while the instance can vouch
 * for it (its lease), then 503 with {@code Retry-After} — never a 500, never a stale list served on
 * and on — and served again once the database is back.
 */
class StatusListOutageTest {

    @Test
    void listWhenDatabaseRefusesConnectionsThen503AndRecoversAfterwards() throws Exception {
        KeymintServer.Builder builder = KeymintServer.onFreshDatabase();
        try (KeymintServer server = builder.start();
             DatabaseOutage outage = new DatabaseOutage(builder.jdbcUrl())) {
            server.bootstrap("outage-co", "*:*");
            String url = server.baseUrl() + "/oauth/status/1";
            assertThat(TokenClient.get(url).status()).isEqualTo(200);

            Response during;
            try {
                outage.begin();
                Instant leaseOver = Instant.now().plusSeconds(10);
                during = TokenClient.get(url);
                while (during.status() == 200 && Instant.now().isBefore(leaseOver)) {
                    Thread.sleep(20);
                    during = TokenClient.get(url);
                }
            } finally {
                outage.end();
            }

            assertThat(during.status()).isEqualTo(503);
            assertThat(during.header("Retry-After")).isEqualTo("1");
            assertThat(during.body()).isEmpty();
            Instant deadline = Instant.now().plusSeconds(30);
            Response recovered = TokenClient.get(url);
            while (recovered.status() != 200 && Instant.now().isBefore(deadline)) {
                Thread.sleep(200);
                recovered = TokenClient.get(url);
            }
            assertThat(recovered.status()).isEqualTo(200);
        }
    }
}
