package dev.keymint.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keymint.server.testsupport.AdminClient;
import dev.keymint.server.testsupport.DatabaseOutage;
import dev.keymint.server.testsupport.KeymintServer;
import dev.keymint.server.testsupport.TokenClient.Response;
import org.junit.jupiter.api.Test;

/**
 * The admin API's 503 "database unavailable" means what it says: it is the answer when
 * PostgreSQL cannot be reached (and only then; input PostgreSQL would refuse is a 400, see
 * {@link AdminHardeningTest}).
 */
class AdminDatabaseOutageTest {

    @Test
    void adminWhenDatabaseRefusesConnectionsThen503UnavailableProblem() throws Exception {
        KeymintServer.Builder builder = KeymintServer.onFreshDatabase();
        try (KeymintServer server = builder.start();
             DatabaseOutage outage = new DatabaseOutage(builder.jdbcUrl())) {
            AdminClient admin = AdminClient.of(server, server.bootstrap("acme", "*:*"));
            assertThat(admin.get("/keys").status()).isEqualTo(200);
            Response refused;
            try {
                outage.begin();

                refused = admin.get("/keys");
            } finally {
                outage.end();
            }

            assertThat(refused.status()).as(refused.body()).isEqualTo(503);
            assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
            assertThat(refused.field("type")).isEqualTo("https://keymint.dev/problems/unavailable");
            assertThat(refused.header("Retry-After")).isEqualTo("1");
        }
    }
}
