package dev.keymint.server.migrations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keymint.server.keys.ApiKeyFormat;
import dev.keymint.server.keys.ApiKeyFormat.NewApiKey;
import dev.keymint.server.testsupport.TestPostgres;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * V4 gives every existing key a status index (oldest first), and from then on an index names one
 * key for good: new keys continue the sequence, a deleted key's index is retired (it reads INVALID
 * forever) and never given out again, even after a truncate, and an index cannot be changed.
 */
class StatusIndexMigrationTest {

    @Test
    void existingKeysGetIndexesOldestFirstAndNoIndexIsEverGivenToAnotherKey() {
        String url = TestPostgres.freshDatabase();
        DriverManagerDataSource dataSource = new DriverManagerDataSource(url, TestPostgres.user(), TestPostgres.password());
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").target("3").load().migrate();
        JdbcClient jdbc = JdbcClient.create(dataSource);
        long orgId = jdbc.sql("insert into organizations (slug, name) values ('legacy', 'Legacy') returning id")
                .query(Long.class).single();
        String older = insertKey(jdbc, orgId, "2024-01-01T00:00:00Z");
        String newer = insertKey(jdbc, orgId, "2025-01-01T00:00:00Z");

        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();

        assertThat(index(jdbc, older)).isEqualTo(0);
        assertThat(index(jdbc, newer)).isEqualTo(1);
        String third = insertKey(jdbc, orgId, "2026-01-01T00:00:00Z");
        assertThat(index(jdbc, third)).isEqualTo(2);

        jdbc.sql("delete from api_keys where id = ?").param(third).update();
        String fourth = insertKey(jdbc, orgId, "2026-02-01T00:00:00Z");
        assertThat(index(jdbc, fourth)).isEqualTo(3);
        assertThat(jdbc.sql("select key_id from retired_status_indexes where status_index = 2").query(String.class).single())
                .isEqualTo(third);

        jdbc.sql("truncate api_keys").update();
        String afterTruncate = insertKey(jdbc, orgId, "2026-03-01T00:00:00Z");
        assertThat(index(jdbc, afterTruncate)).isEqualTo(4);
        assertThat(jdbc.sql("select status_index from retired_status_indexes order by status_index").query(Long.class).list())
                .isEqualTo(List.of(0L, 1L, 2L, 3L));

        assertThatThrownBy(() -> jdbc.sql("update api_keys set status_index = 99 where id = ?").param(afterTruncate).update())
                .hasMessageContaining("never changes");
    }

    private static String insertKey(JdbcClient jdbc, long orgId, String createdAt) {
        NewApiKey key = ApiKeyFormat.generate();
        jdbc.sql("""
                        insert into api_keys (id, organization_id, name, secret_hash, scopes, created_at)
                        values (?, ?, 'k', ?, array['read:x/**'], cast(? as timestamptz))
                        """)
                .params(key.id(), orgId, key.digest(), createdAt).update();
        return key.id();
    }

    private static long index(JdbcClient jdbc, String id) {
        return jdbc.sql("select status_index from api_keys where id = ?").param(id).query(Long.class).single();
    }
}
