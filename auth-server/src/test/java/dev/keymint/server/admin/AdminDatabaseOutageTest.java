package dev.keymint.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keymint.server.testsupport.AdminClient;
import dev.keymint.server.testsupport.KeymintServer;
import dev.keymint.server.testsupport.TestPostgres;
import dev.keymint.server.testsupport.TokenClient.Response;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
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
        String database = builder.jdbcUrl().replaceAll("^.*/([^/?]+)(\\?.*)?$", "$1");
        try (KeymintServer server = builder.start();
             Connection owner = DriverManager.getConnection(TestPostgres.adminUrl(), TestPostgres.user(),
                     TestPostgres.password());
             Statement sql = owner.createStatement()) {
            AdminClient admin = AdminClient.of(server, server.bootstrap("acme", "*:*"));
            assertThat(admin.get("/keys").status()).isEqualTo(200);
            Response refused;
            try {
                sql.execute("alter database " + database + " allow_connections false");
                sql.execute("select pg_terminate_backend(pid) from pg_stat_activity"
                        + " where datname = '" + database + "' and pid <> pg_backend_pid()");

                refused = admin.get("/keys");
            } finally {
                sql.execute("alter database " + database + " allow_connections true");
            }

            assertThat(refused.status()).as(refused.body()).isEqualTo(503);
            assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
            assertThat(refused.field("type")).isEqualTo("https://keymint.dev/problems/unavailable");
            assertThat(refused.header("Retry-After")).isEqualTo("1");
        }
    }
}
