package dev.keymint.server.migrations;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keymint.server.keys.ApiKeyFormat;
import dev.keymint.server.keys.ApiKeyFormat.NewApiKey;
import dev.keymint.server.testsupport.KeymintServer;
import dev.keymint.server.testsupport.TestPostgres;
import dev.keymint.server.testsupport.TokenClient;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Upgrades keep data: a database written by the first schema version, with an organization and a
 * key in it, migrated to the latest version by a starting server, still serves that key.
 */
class MigrationPathTest {

    @Test
    void keyWrittenUnderVersion1StillGetsTokensAfterMigratingToLatest() {
        String url = TestPostgres.freshDatabase();
        DriverManagerDataSource dataSource = new DriverManagerDataSource(url, TestPostgres.user(), TestPostgres.password());
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").target("1").load().migrate();
        JdbcClient jdbc = JdbcClient.create(dataSource);
        long orgId = jdbc.sql("insert into organizations (slug, name) values ('legacy', 'Legacy') returning id")
                .query(Long.class).single();
        NewApiKey key = ApiKeyFormat.generate();
        jdbc.sql("""
                        insert into api_keys (id, organization_id, name, secret_hash, scopes, team, owner)
                        values (?, ?, 'v1 key', ?, array['read:projects/**'], 'ops', 'alice')
                        """)
                .params(key.id(), orgId, key.digest()).update();

        try (KeymintServer server = KeymintServer.onDatabase(url).start()) {
            var token = new TokenClient(server.tokenEndpoint())
                    .basic(key.id(), key.apiKey(), "grant_type", "client_credentials");

            assertThat(token.status()).isEqualTo(200);
            assertThat(token.field("scope")).isEqualTo("read:projects/**");
            assertThat(server.row("select max(version) as v from flyway_schema_history where success").get("v"))
                    .isNotEqualTo("1");
            assertThat(server.row("select name, team, owner, status from api_keys where id = ?", key.id()))
                    .containsEntry("name", "v1 key").containsEntry("team", "ops").containsEntry("owner", "alice")
                    .containsEntry("status", "active");
        }
    }
}
