package dev.keymint.server.migrations;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keymint.server.keys.ApiKeyFormat;
import dev.keymint.server.keys.ApiKeyFormat.NewApiKey;
import dev.keymint.server.testsupport.TestPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The schema announces every change the token path must see (instances hold api_keys rows in memory)
 * and makes the one write the token path causes, the batched last-used time, cheap: no announcement
 * for it, and the row's new version stays on its page without new index entries (V11).
 */
class ApiKeyChangeAnnouncementTest {

    private static final String CHANNEL = "keymint_api_keys";

    private String url;
    private JdbcClient jdbc;
    private String keyId;

    @BeforeEach
    void migratedDatabaseWithOneKey() {
        url = TestPostgres.freshDatabase();
        DriverManagerDataSource dataSource = new DriverManagerDataSource(url, TestPostgres.user(), TestPostgres.password());
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
        jdbc = JdbcClient.create(dataSource);
        long orgId = jdbc.sql("insert into organizations (slug, name) values ('watched', 'Watched') returning id")
                .query(Long.class).single();
        NewApiKey key = ApiKeyFormat.generate();
        keyId = key.id();
        jdbc.sql("insert into api_keys (id, organization_id, name, secret_hash, scopes) values (?, ?, 'key', ?, array['read:x/**'])")
                .params(keyId, orgId, key.digest()).update();
    }

    @Test
    void updateAnnouncementWatchesEveryColumnOfApiKeysButLastUsedAt() {
        Set<String> watched = new TreeSet<>(jdbc.sql("""
                        select a.attname
                          from pg_trigger t
                          join pg_attribute a on a.attrelid = t.tgrelid and a.attnum = any (t.tgattr::int2[])
                         where t.tgrelid = 'api_keys'::regclass and t.tgname = 'api_keys_announce_update'
                        """).query(String.class).list());
        Set<String> columns = new TreeSet<>(jdbc.sql("""
                        select attname from pg_attribute
                         where attrelid = 'api_keys'::regclass and attnum > 0 and not attisdropped
                        """).query(String.class).list());
        columns.remove("last_used_at");

        // A column added to api_keys must be named in the trigger, or changes to it go unannounced.
        assertThat(watched).isEqualTo(columns);
    }

    @Test
    void lastUsedAtSetAloneThenNothingIsAnnounced() throws Exception {
        List<String> announced = announcedWhile(1,
                "update api_keys set last_used_at = now() where id = ?",
                "update api_keys set name = 'renamed' where id = ?");

        // Announcements arrive in commit order: the rename's alone means the last-used write made none.
        assertThat(announced).containsExactly(keyId);
    }

    /**
     * A flush of last-used times touches keys scattered over the table, about one row per page: each
     * row's new version stays on its page (a HOT update, no index entries), because pages are filled
     * only to 90 %. In pages filled to the brim (the default) most such updates move the row.
     */
    @Test
    void lastUsedAtSetOnOneRowOfEveryPageThenEveryRowStaysOnItsPage() throws Exception {
        try (Connection writer = connect(); Statement sql = writer.createStatement()) {
            writer.setAutoCommit(false);
            sql.executeUpdate("""
                    insert into api_keys (id, organization_id, name, secret_hash, scopes)
                    select 'filler' || g, organization_id, 'filler', sha256(('filler' || g)::bytea), scopes
                      from api_keys, generate_series(1, 300) g
                    """);
            long pages = count(sql, "select count(distinct (ctid::text::point)[0]) from api_keys");

            int updated = sql.executeUpdate("""
                    update api_keys set last_used_at = now()
                     where ctid = any (select min(ctid) from api_keys group by (ctid::text::point)[0])
                    """);
            long stayed = count(sql, "select n_tup_hot_upd from pg_stat_xact_user_tables where relname = 'api_keys'");
            writer.rollback();

            assertThat(pages).isGreaterThan(5);
            assertThat(updated).isEqualTo((int) pages);
            assertThat(stayed).as("updates that stayed on their page (HOT)").isEqualTo(pages);
        }
    }

    @Test
    void keyDeletedOrChangedInAnyOtherColumnThenAnnounced() throws Exception {
        List<String> announced = announcedWhile(3,
                "update api_keys set status = 'disabled' where id = ?",
                "update api_keys set last_used_at = now(), scopes = array['write:x/**'] where id = ?",
                "delete from api_keys where id = ?");

        assertThat(announced).containsExactly(keyId, keyId, keyId);
    }

    private Connection connect() throws Exception {
        return DriverManager.getConnection(url, TestPostgres.user(), TestPostgres.password());
    }

    private static long count(Statement sql, String query) throws Exception {
        try (var rows = sql.executeQuery(query)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    /**
     * What is announced while each statement (its one parameter: the key's id) runs and commits on its
     * own: the payloads until {@code expected} have arrived (at most 10 s), plus any within 300 ms after.
     */
    private List<String> announcedWhile(int expected, String... statements) throws Exception {
        try (Connection listener = connect(); Connection writer = connect()) {
            listener.createStatement().execute("listen " + CHANNEL);
            for (String statement : statements) {
                try (PreparedStatement sql = writer.prepareStatement(statement)) {
                    sql.setString(1, keyId);
                    sql.executeUpdate();
                }
            }
            return announcements(listener.unwrap(PGConnection.class), expected);
        }
    }

    private static List<String> announcements(PGConnection notifications, int expected) throws Exception {
        List<String> payloads = new ArrayList<>();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (payloads.size() < expected && System.nanoTime() < deadline) {
            receive(notifications, 100, payloads);
        }
        receive(notifications, 300, payloads);
        return payloads;
    }

    private static void receive(PGConnection notifications, int waitMillis, List<String> payloads) throws Exception {
        PGNotification[] arrived = notifications.getNotifications(waitMillis);
        if (arrived != null) {
            for (PGNotification notification : arrived) {
                if (CHANNEL.equals(notification.getName())) {
                    payloads.add(notification.getParameter());
                }
            }
        }
    }
}
