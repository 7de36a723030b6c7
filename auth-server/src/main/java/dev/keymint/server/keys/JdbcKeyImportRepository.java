package dev.keymint.server.keys;

import dev.keymint.sdk.Scope;
import dev.keymint.server.network.CidrRange;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Writes imported keys into {@code api_keys}, {@value #CHUNK} rows per statement: one
 * {@code insert … select from unnest(…)} with a column array each, so that 100,000 keys take some
 * twenty round trips instead of 100,000.
 */
@Repository
class JdbcKeyImportRepository {

    static final int CHUNK = 5000;

    private final JdbcClient jdbc;

    JdbcKeyImportRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The ones of these ids that some key, of any organization, has. */
    List<String> existing(List<String> ids) {
        List<String> found = new ArrayList<>();
        for (int from = 0; from < ids.size(); from += CHUNK) {
            found.addAll(jdbc.sql("select id from api_keys where id = any(:ids)")
                    .param("ids", ids.subList(from, Math.min(ids.size(), from + CHUNK)).toArray(String[]::new))
                    .query(String.class)
                    .list());
        }
        return found;
    }

    /**
     * Inserts the keys into the organization (into {@code team} when a key names none); an id taken
     * meanwhile is skipped, not an error. Scopes, CIDRs and audiences travel space-joined, as none contains a space.
     *
     * @return the ids inserted
     */
    List<String> insert(long organizationId, String team, List<ImportedKey> keys) {
        List<String> inserted = new ArrayList<>(keys.size());
        for (int from = 0; from < keys.size(); from += CHUNK) {
            List<ImportedKey> chunk = keys.subList(from, Math.min(keys.size(), from + CHUNK));
            inserted.addAll(jdbc.sql("""
                            insert into api_keys (id, organization_id, name, secret_hash, scopes, team, owner, expires_at,
                                                  allowed_cidrs, rate_limit_per_minute, quota_limit, quota_period,
                                                  api_requests_per_minute, request_budget, request_budget_period,
                                                  cost_budget, cost_budget_period, audiences, imported, key_prefix)
                            select u.id, :organizationId, u.name, decode(u.hash, 'hex'), string_to_array(u.scopes, ' '),
                                   coalesce(u.team, cast(:team as text)), u.owner, u.expires_at,
                                   cast(string_to_array(u.cidrs, ' ') as cidr[]), u.rate_limit, u.quota_limit, u.quota_period,
                                   u.api_per_minute, u.request_budget, u.request_budget_period,
                                   u.cost_budget, u.cost_budget_period, string_to_array(u.audiences, ' '), true, u.prefix
                              from unnest(:ids, :names, :hashes, :scopes, :teams, :owners, :expiresAt, :cidrs,
                                          :rateLimits, :quotaLimits, :quotaPeriods, :apiPerMinute, :requestBudgets,
                                          :requestBudgetPeriods, :costBudgets, :costBudgetPeriods, :audiences, :prefixes)
                                   as u(id, name, hash, scopes, team, owner, expires_at, cidrs, rate_limit, quota_limit,
                                        quota_period, api_per_minute, request_budget, request_budget_period, cost_budget,
                                        cost_budget_period, audiences, prefix)
                            on conflict (id) do nothing
                            returning id
                            """)
                    .param("organizationId", organizationId)
                    .param("team", team)
                    .param("ids", column(chunk, ImportedKey::clientId))
                    .param("names", column(chunk, key -> key.settings().name()))
                    .param("hashes", column(chunk, ImportedKey::sha256Hex))
                    .param("scopes", column(chunk, key -> String.join(" ",
                            key.settings().scopes().stream().map(Scope::toString).toList())))
                    .param("teams", column(chunk, key -> key.settings().team()))
                    .param("owners", column(chunk, key -> key.settings().owner()))
                    .param("expiresAt", chunk.stream().map(key -> key.settings().expiresAt() == null ? null
                            : Timestamp.from(key.settings().expiresAt())).toArray(Timestamp[]::new))
                    .param("cidrs", column(chunk, key -> key.settings().allowedCidrs().isEmpty() ? null
                            : String.join(" ", key.settings().allowedCidrs().stream().map(CidrRange::toString).toList())))
                    .param("rateLimits", chunk.stream().map(key -> key.settings().rateLimitPerMinute()).toArray(Integer[]::new))
                    .param("quotaLimits", chunk.stream().map(key -> key.settings().quota() == null ? null
                            : key.settings().quota().limit()).toArray(Long[]::new))
                    .param("quotaPeriods", column(chunk, key -> key.settings().quota() == null ? null
                            : key.settings().quota().period().databaseValue()))
                    .param("apiPerMinute", chunk.stream().map(key -> key.settings().apiLimits().requestsPerMinute())
                            .toArray(Integer[]::new))
                    .param("requestBudgets", chunk.stream().map(key -> budget(key.settings().apiLimits().requestBudget()))
                            .toArray(Long[]::new))
                    .param("requestBudgetPeriods", column(chunk, key -> period(key.settings().apiLimits().requestBudget())))
                    .param("costBudgets", chunk.stream().map(key -> budget(key.settings().apiLimits().costBudget()))
                            .toArray(Long[]::new))
                    .param("costBudgetPeriods", column(chunk, key -> period(key.settings().apiLimits().costBudget())))
                    .param("audiences", column(chunk, key -> String.join(" ", key.settings().audiences())))
                    .param("prefixes", column(chunk, ImportedKey::prefix))
                    .query(String.class)
                    .list());
        }
        return inserted;
    }

    private static String[] column(List<ImportedKey> keys, Function<ImportedKey, String> value) {
        return keys.stream().map(value).toArray(String[]::new);
    }

    private static Long budget(Budget budget) {
        return budget == null ? null : budget.limit();
    }

    private static String period(Budget budget) {
        return budget == null ? null : budget.periodName();
    }
}
