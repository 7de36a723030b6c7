package dev.keymint.server.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keymint.server.testsupport.AdminClient;
import dev.keymint.server.testsupport.KeymintServer;
import dev.keymint.server.testsupport.TokenClient;
import dev.keymint.server.testsupport.TokenClient.Response;
import org.junit.jupiter.api.Test;

/**
 * With no key memory (keymint.keys.cache.enabled=false, so nothing follows the change feed) each list
 * is built from PostgreSQL per request: still exactly right, never stale.
 */
class StatusListFromDatabaseTest {

    @Test
    void listWithoutKeyMemoryIsReadFromTheDatabaseAndShowsEveryChange() {
        try (KeymintServer server = KeymintServer.onFreshDatabase().property("keymint.keys.cache.enabled", "false").start()) {
            AdminClient admin = AdminClient.of(server, server.bootstrap("acme", "*:*"));
            Response created = admin.post("/keys", "{\"name\": \"k\", \"scopes\": [\"read:x/**\"]}");
            String id = created.field("id");
            long index = server.jdbc().sql("select status_index from api_keys where id = ?").param(id)
                    .query(Long.class).single();
            String url = server.baseUrl() + "/oauth/status/1";

            int before = FetchedStatusList.fetch(server.baseUrl(), url, server.issuer() + "/oauth/status/1").status(index);
            admin.post("/keys/" + id + "/disable", null);
            int disabled = FetchedStatusList.fetch(server.baseUrl(), url, server.issuer() + "/oauth/status/1").status(index);
            admin.delete("/keys/" + id + "?confirm=true");
            int deleted = FetchedStatusList.fetch(server.baseUrl(), url, server.issuer() + "/oauth/status/1").status(index);

            assertThat(server.bean(StatusLists.class).answeringFromMemory()).isFalse();
            assertThat(before).isZero();
            assertThat(disabled).isEqualTo(2);
            assertThat(deleted).isEqualTo(1);
            assertThat(TokenClient.get(server.baseUrl() + "/oauth/status/2").status()).isEqualTo(404);
        }
    }
}
