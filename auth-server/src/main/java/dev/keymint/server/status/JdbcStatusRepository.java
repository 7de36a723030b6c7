package dev.keymint.server.status;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Reads keys' statuses as status-list values. Every status is derived in SQL with the database's
 * clock ({@value #STATUS}), so every instance derives the same list from the same rows; except a
 * spent budget, compared with the application's clock ({@code :budgetNow}), the clock that set
 * {@code over_budget_until} and that the token endpoint compares it with.
 */
@Repository
class JdbcStatusRepository {

    /**
     * revoked: INVALID; disabled: SUSPENDED; active but past expires_at: INVALID; over budget
     * (reports showed a budget spent, until its period ends): SUSPENDED; else VALID.
     */
    private static final String STATUS = """
            case when k.status = 'revoked' then 1
                 when k.status = 'disabled' then 2
                 when k.expires_at <= now() then 1
                 when k.over_budget_until > :budgetNow then 2
                 else 0 end""";

    private static final String HIGHEST_INDEX =
            "select case when is_called then last_value else last_value - 1 end from api_key_status_index";

    private final JdbcClient jdbc;
    private final TransactionTemplate snapshot;
    private final Clock clock;

    JdbcStatusRepository(JdbcClient jdbc, PlatformTransactionManager transactions, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
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
        Instant budgetNow = clock.instant();
        return snapshot.execute(transaction -> {
            jdbc.sql("select k.status_index, " + STATUS + """
                             from api_keys k
                            where k.status_index >= :from and k.status_index < :to
                              and (k.status <> 'active' or k.expires_at <= now() or k.over_budget_until > :budgetNow)
                            union all
                           select r.status_index, 1 from retired_status_indexes r
                            where r.status_index >= :from and r.status_index < :to
                            """)
                    .param("from", from)
                    .param("to", to)
                    .param("budgetNow", Timestamp.from(budgetNow))
                    .query(rs -> {
                        entries.accept(rs.getLong(1), rs.getInt(2));
                    });
            return new Read(now(), budgetNow, highestIndex());
        });
    }

    /** The current entries of these keys (by id), deleted ones included; keys never seen are skipped. */
    Read readKeys(Set<String> keyIds, Entries entries) {
        Instant budgetNow = clock.instant();
        return snapshot.execute(transaction -> {
            jdbc.sql("select k.status_index, " + STATUS + """
                             from api_keys k where k.id = any(:ids)
                            union all
                           select r.status_index, 1 from retired_status_indexes r where r.key_id = any(:ids)
                            """)
                    .param("ids", keyIds.toArray(String[]::new))
                    .param("budgetNow", Timestamp.from(budgetNow))
                    .query(rs -> {
                        entries.accept(rs.getLong(1), rs.getInt(2));
                    });
            return new Read(now(), budgetNow, highestIndex());
        });
    }

    /**
     * Active keys whose expiry passed after {@code since} and not after the database's now, and keys
     * whose spent budget reset after {@code budgetSince} and not after the application's now (their
     * status now, usually VALID again: nothing is written when a budget resets).
     */
    Read readExpiredSince(Instant since, Instant budgetSince, Entries entries) {
        Instant budgetNow = clock.instant();
        return snapshot.execute(transaction -> {
            jdbc.sql("""
                            select k.status_index from api_keys k
                             where k.status = 'active' and k.expires_at > :since and k.expires_at <= now()
                            """)
                    .param("since", Timestamp.from(since))
                    .query(rs -> {
                        entries.accept(rs.getLong(1), 1);
                    });
            jdbc.sql("select k.status_index, " + STATUS + """
                             from api_keys k
                            where k.over_budget_until > :budgetSince and k.over_budget_until <= :budgetNow
                            """)
                    .param("budgetSince", Timestamp.from(budgetSince))
                    .param("budgetNow", Timestamp.from(budgetNow))
                    .query(rs -> {
                        entries.accept(rs.getLong(1), rs.getInt(2));
                    });
            return new Read(now(), budgetNow, highestIndex());
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
     * @param budgetNow    the application's time spent budgets were compared with
     * @param highestIndex the highest status index given out so far (-1 when none)
     */
    record Read(Instant databaseNow, Instant budgetNow, long highestIndex) {
    }
}
