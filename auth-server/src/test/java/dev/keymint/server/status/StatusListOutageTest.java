package dev.keymint.server.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keymint.server.testsupport.KeymintServer;
import dev.keymint.server.testsupport.TestPostgres;
import dev.keymint.server.testsupport.TokenClient;
import dev.keymint.server.testsupport.TokenClient.Response;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
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
        String database = builder.jdbcUrl().replaceAll("^.*/([^/?]+)(\\?.*)?$", "$1");
        try (KeymintServer server = builder.start();
             Connection admin = DriverManager.getConnection(TestPostgres.adminUrl(), TestPostgres.user(), TestPostgres.password());
             Statement sql = admin.createStatement()) {
            server.bootstrap("outage-co", "*:*");
            String url = server.baseUrl() + "/oauth/status/1";
            assertThat(TokenClient.get(url).status()).isEqualTo(200);

            Response during;
            try {
                sql.execute("alter database " + database + " allow_connections false");
                sql.execute("select pg_terminate_backend(pid) from pg_stat_activity"
                        + " where datname = '" + database + "' and pid <> pg_backend_pid()");
                Instant leaseOver = Instant.now().plusSeconds(10);
                during = TokenClient.get(url);
                while (during.status() == 200 && Instant.now().isBefore(leaseOver)) {
                    Thread.sleep(20);
                    during = TokenClient.get(url);
                }
            } finally {
                sql.execute("alter database " + database + " allow_connections true");
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
