package dev.keymint.server.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keymint.server.keys.cache.ApiKeyCache;
import dev.keymint.server.organizations.OrganizationBootstrapper.BootstrappedOrganization;
import dev.keymint.server.testsupport.KeymintServer;
import dev.keymint.server.testsupport.TestPostgres;
import dev.keymint.server.testsupport.TokenClient;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The one part of start-up that grows with the number of keys, rebuilding the status lists (a scan of
 * {@code api_keys}), does not hold up the first token, and nothing is answered from memory before the
 * lists are right: while the rebuild cannot finish (a test lock on {@code retired_status_indexes},
 * which its query reads), the instance issues tokens, reading each key from PostgreSQL, so a key
 * disabled meanwhile is refused at once; once the rebuild is let through, the list served from memory
 * shows the key suspended.
 */
class StatusListRebuildAtStartTest {

    private static final int SUSPENDED = 2;

    @Test
    @Timeout(120) // were the first token to wait for the rebuild, start() would never return
    void tokensAreIssuedAndRightWhileTheListsAreStillBeingRebuilt() throws Exception {
        KeymintServer.Builder builder = KeymintServer.onFreshDatabase();
        BootstrappedOrganization acme;
        try (KeymintServer first = builder.start()) {
            acme = first.bootstrap("acme", "*:*");
        }
        try (Connection holder = DriverManager.getConnection(builder.jdbcUrl(), TestPostgres.user(), TestPostgres.password())) {
            holder.setAutoCommit(false);
            execute(holder, "lock table retired_status_indexes in access exclusive mode");
            try (KeymintServer server = builder.start()) {
                try {
                    TokenClient tokens = new TokenClient(server.tokenEndpoint());
                    StatusLists lists = server.bean(StatusLists.class);
                    await(() -> rebuildWaitsForTheLock(server));

                    int whileRebuilding = tokens.basic(acme.clientId(), acme.apiKey(), "grant_type", "client_credentials").status();
                    server.jdbc().sql("update api_keys set status = 'disabled' where id = ?").param(acme.clientId()).update();
                    int disabledWhileRebuilding = tokens.basic(acme.clientId(), acme.apiKey(), "grant_type", "client_credentials").status();
                    boolean listsAnsweredWhileRebuilding = lists.answeringFromMemory();
                    boolean keysAnsweredWhileRebuilding = server.bean(ApiKeyCache.class).answeringFromMemory();
                    holder.commit();
                    await(lists::answeringFromMemory);

                    assertThat(whileRebuilding).isEqualTo(200);
                    assertThat(disabledWhileRebuilding).isEqualTo(401);
                    assertThat(listsAnsweredWhileRebuilding).isFalse();
                    assertThat(keysAnsweredWhileRebuilding).isFalse();
                    long index = server.jdbc().sql("select status_index from api_keys where id = ?").param(acme.clientId())
                            .query(Long.class).single();
                    String url = server.baseUrl() + "/oauth/status/1";
                    assertThat(FetchedStatusList.fetch(server.baseUrl(), url, server.issuer() + "/oauth/status/1").status(index))
                            .isEqualTo(SUSPENDED);
                    assertThat(tokens.basic(acme.clientId(), acme.apiKey(), "grant_type", "client_credentials").status())
                            .isEqualTo(401);
                } finally {
                    holder.rollback(); // after a failure too: lets the server stop
                }
            }
        }
    }

    /** A query of the server waits for the test's lock: the rebuild has begun and cannot end. */
    private static boolean rebuildWaitsForTheLock(KeymintServer server) {
        return server.jdbc().sql("""
                        select count(*) from pg_locks
                         where database = (select oid from pg_database where datname = current_database())
                           and relation = 'retired_status_indexes'::regclass and not granted
                        """).query(Long.class).single() > 0;
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(60);
        while (!condition.getAsBoolean()) {
            assertThat(Instant.now()).as("waited a minute").isBefore(deadline);
            Thread.sleep(20);
        }
    }

    private static void execute(Connection connection, String sql) throws Exception {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
