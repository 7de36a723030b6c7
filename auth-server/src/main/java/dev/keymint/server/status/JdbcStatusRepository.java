package dev.keymint.server.status;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Reads keys' statuses as status-list values. Every status is derived in SQL with the database's
 * clock ({@value #STATUS}), so every instance derives the same list from the same rows.
 */
@Repository
class JdbcStatusRepository {

    /** revoked: INVALID; disabled: SUSPENDED; active but past expires_at: INVALID; else VALID. */
    private static final String STATUS = """
            case when k.status = 'revoked' then 1
                 when k.status = 'disabled' then 2
                 when k.expires_at <= now() then 1
                 else 0 end""";

    private static final String HIGHEST_INDEX =
            "select case when is_called then last_value else last_value - 1 end from api_key_status_index";

    private final JdbcClient jdbc;
    private final TransactionTemplate snapshot;

    JdbcStatusRepository(JdbcClient jdbc, PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.snapshot = new TransactionTemplate(transactions);
        snapshot.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
        snapshot.setReadOnly(true);
    }

    /** Receives one entry; VALID entries are only sent where a status may have changed back. */
    interface Entries {
        void accept(long statusIndex, int status);
    }

    /**
     * Every entry that is not VALID with global index in {@code [from, to)}, in one snapshot; returns
     * the database time of that snapshot and the highest index given out so far.
     */
    Read readNonValid(long from, long to, Entries entries) {
        return snapshot.execute(transaction -> {
            jdbc.sql("select k.status_index, " + STATUS + """
                             from api_keys k
                            where k.status_index >= :from and k.status_index < :to
                              and (k.status <> 'active' or k.expires_at <= now())
                            union all
                           select r.status_index, 1 from retired_status_indexes r
                            where r.status_index >= :from and r.status_index < :to
                            """)
                    .param("from", from)
                    .param("to", to)
                    .query(rs -> {
                        entries.accept(rs.getLong(1), rs.getInt(2));
                    });
            return new Read(now(), highestIndex());
        });
    }

    /** The current entries of these keys (by id), deleted ones included; keys never seen are skipped. */
    Read readKeys(Set<String> keyIds, Entries entries) {
        return snapshot.execute(transaction -> {
            jdbc.sql("select k.status_index, " + STATUS + """
                             from api_keys k where k.id = any(:ids)
                            union all
                           select r.status_index, 1 from retired_status_indexes r where r.key_id = any(:ids)
                            """)
                    .param("ids", keyIds.toArray(String[]::new))
                    .query(rs -> {
                        entries.accept(rs.getLong(1), rs.getInt(2));
                    });
            return new Read(now(), highestIndex());
        });
    }

    /** Active keys whose expiry passed after {@code since} and not after the database's now. */
    Read readExpiredSince(Instant since, Entries entries) {
        return snapshot.execute(transaction -> {
            jdbc.sql("""
                            select k.status_index from api_keys k
                             where k.status = 'active' and k.expires_at > :since and k.expires_at <= now()
                            """)
                    .param("since", Timestamp.from(since))
                    .query(rs -> {
                        entries.accept(rs.getLong(1), 1);
                    });
            return new Read(now(), highestIndex());
        });
    }

    long highestIndex() {
        return jdbc.sql(HIGHEST_INDEX).query(Long.class).single();
    }

    private Instant now() {
        return jdbc.sql("select now()").query(Timestamp.class).single().toInstant();
    }

    /**
     * @param databaseNow  the time the statuses were derived at
     * @param highestIndex the highest status index given out so far (-1 when none)
     */
    record Read(Instant databaseNow, long highestIndex) {
    }
}
