package dev.keymint.server.keys;

import dev.keymint.server.network.CidrRange;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Reads and writes {@code api_keys} with plain SQL. */
@Repository
public class JdbcApiKeyRepository {

    private static final String SELECT_KEY = """
            select k.id, k.organization_id, o.slug, k.name, k.secret_hash, k.scopes, k.status,
                   k.team, k.owner, k.expires_at, k.created_at, k.last_used_at,
                   k.allowed_cidrs::text[] as allowed_cidrs, k.rate_limit_per_minute, k.quota_limit, k.quota_period,
                   k.revoked_at, k.status_index, k.api_requests_per_minute, k.request_budget, k.request_budget_period,
                   k.cost_budget, k.cost_budget_period, k.over_budget_until,
                   k.previous_secret_hash, k.previous_secret_expires_at, k.audiences, k.imported, k.key_prefix
              from api_keys k
              join organizations o on o.id = k.organization_id
            """;

    private final JdbcClient jdbc;

    public JdbcApiKeyRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The token path's one read: by primary key. */
    public Optional<ApiKey> findById(String id) {
        return jdbc.sql(SELECT_KEY + " where k.id = :id")
                .param("id", id)
                .query(JdbcApiKeyRepository::mapRow)
                .optional();
    }

    /**
     * The keys with these ids, of this organization and team only when they are not null; ids of
     * no such key are left out.
     */
    public List<ApiKey> findAllById(Collection<String> ids, Long organizationId, String team) {
        return jdbc.sql(SELECT_KEY + """
                         where k.id = any(:ids)
                           and (cast(:organizationId as bigint) is null or k.organization_id = :organizationId)
                           and (cast(:team as text) is null or k.team = :team)
                        """)
                .param("ids", ids.toArray(String[]::new))
                .param("organizationId", organizationId)
                .param("team", team)
                .query(JdbcApiKeyRepository::mapRow)
                .list();
    }

    /** Marks keys over budget until the given times; the change is announced to every instance. */
    void setOverBudgetUntil(Map<String, Instant> untilById) {
        if (untilById.isEmpty()) {
            return;
        }
        String[] ids = untilById.keySet().stream().sorted().toArray(String[]::new);
        Timestamp[] times = Arrays.stream(ids).map(id -> Timestamp.from(untilById.get(id))).toArray(Timestamp[]::new);
        jdbc.sql("""
                        update api_keys k
                           set over_budget_until = u.until
                          from unnest(:ids, :times) as u(id, until)
                         where k.id = u.id and k.over_budget_until is distinct from u.until
                        """)
                .param("ids", ids)
                .param("times", times)
                .update();
    }

    /** A key of this organization (and team, when not null), locked for update when asked. */
    Optional<ApiKey> findInOrganization(long organizationId, String team, String id, boolean forUpdate) {
        return jdbc.sql(SELECT_KEY + """
                         where k.id = :id and k.organization_id = :organizationId
                           and (cast(:team as text) is null or k.team = :team)
                        """ + (forUpdate ? " for update of k" : ""))
                .param("id", id)
                .param("organizationId", organizationId)
                .param("team", team)
                .query(JdbcApiKeyRepository::mapRow)
                .optional();
    }

    /**
     * One page of an organization's keys, newest first, after the keyset position {@code after}
     * (null for the first page).
     */
    List<ApiKey> list(long organizationId, String team, ListFilter filter, String nameContains,
                      ListPosition after, int limit) {
        String status = switch (filter) {
            case ACTIVE -> " and k.status = 'active' and (k.expires_at is null or k.expires_at > now())";
            case DISABLED -> " and k.status = 'disabled'";
            case EXPIRED -> " and k.status = 'active' and k.expires_at <= now()";
            case REVOKED -> " and k.status = 'revoked'";
            case ALL -> "";
        };
        return jdbc.sql(SELECT_KEY + """
                         where k.organization_id = :organizationId
                           and (cast(:team as text) is null or k.team = :team)
                           and (cast(:name as text) is null or strpos(lower(k.name), lower(:name)) > 0)
                           and (cast(:afterCreated as timestamptz) is null
                                or (k.created_at, k.id) < (cast(:afterCreated as timestamptz), :afterId))
                        """ + status + """
                         order by k.created_at desc, k.id desc
                         limit :limit
                        """)
                .param("organizationId", organizationId)
                .param("team", team)
                .param("name", nameContains)
                .param("afterCreated", after == null ? null : Timestamp.from(after.createdAt()))
                .param("afterId", after == null ? "" : after.id())
                .param("limit", limit)
                .query(JdbcApiKeyRepository::mapRow)
                .list();
    }

    void insert(NewKeyRow key) {
        int inserted = jdbc.sql("""
                        insert into api_keys (id, organization_id, name, secret_hash, scopes, team, owner, expires_at,
                                              allowed_cidrs, rate_limit_per_minute, quota_limit, quota_period,
                                              api_requests_per_minute, request_budget, request_budget_period,
                                              cost_budget, cost_budget_period, audiences)
                        values (:id, :organizationId, :name, :secretHash, :scopes, :team, :owner, :expiresAt,
                                cast(:cidrs as cidr[]), :rateLimit, :quotaLimit, :quotaPeriod,
                                :apiPerMinute, :requestBudget, :requestBudgetPeriod, :costBudget, :costBudgetPeriod,
                                :audiences)
                        """)
                .param("id", key.id())
                .param("organizationId", key.organizationId())
                .param("name", key.name())
                .param("secretHash", key.secretDigest())
                .param("scopes", key.scopes().toArray(String[]::new))
                .param("team", key.team())
                .param("owner", key.owner())
                .param("expiresAt", timestamp(key.expiresAt()))
                .param("cidrs", cidrs(key.allowedCidrs()))
                .param("rateLimit", key.rateLimitPerMinute())
                .param("quotaLimit", key.quota() == null ? null : key.quota().limit())
                .param("quotaPeriod", key.quota() == null ? null : key.quota().period().databaseValue())
                .params(apiLimitParams(key.apiLimits()))
                .param("audiences", key.audiences().toArray(String[]::new))
                .update();
        if (inserted != 1) {
            throw new IllegalStateException("Inserting API key " + key.id() + " changed " + inserted + " rows");
        }
    }

    /** Writes the editable columns of a key (name, scopes, CIDRs, expiry, limits, team, owner, audiences) and its over-budget time. */
    void update(ApiKey key, Instant overBudgetUntil) {
        int updated = jdbc.sql("""
                        update api_keys
                           set name = :name, scopes = :scopes, allowed_cidrs = cast(:cidrs as cidr[]),
                               expires_at = :expiresAt, rate_limit_per_minute = :rateLimit,
                               quota_limit = :quotaLimit, quota_period = :quotaPeriod, team = :team, owner = :owner,
                               api_requests_per_minute = :apiPerMinute,
                               request_budget = :requestBudget, request_budget_period = :requestBudgetPeriod,
                               cost_budget = :costBudget, cost_budget_period = :costBudgetPeriod,
                               over_budget_until = :overBudgetUntil, audiences = :audiences
                         where id = :id and organization_id = :organizationId
                        """)
                .param("id", key.id())
                .param("organizationId", key.organizationId())
                .param("name", key.name())
                .param("scopes", key.scopes().toArray(String[]::new))
                .param("cidrs", cidrs(key.allowedCidrs()))
                .param("expiresAt", timestamp(key.expiresAt()))
                .param("rateLimit", key.rateLimitPerMinute())
                .param("quotaLimit", key.quota() == null ? null : key.quota().limit())
                .param("quotaPeriod", key.quota() == null ? null : key.quota().period().databaseValue())
                .param("team", key.team())
                .param("owner", key.owner())
                .params(apiLimitParams(key.apiLimits()))
                .param("overBudgetUntil", timestamp(overBudgetUntil))
                .param("audiences", key.audiences().toArray(String[]::new))
                .update();
        requireOne(updated, key.id());
    }

    /** Sets the stored status; revoking also stamps {@code revoked_at}. Never called to leave revoked. */
    void setStatus(long organizationId, String id, KeyStatus status) {
        int updated = jdbc.sql("""
                        update api_keys
                           set status = :status,
                               revoked_at = case when :status = 'revoked' then now() else null end
                         where id = :id and organization_id = :organizationId and status <> 'revoked'
                        """)
                .param("id", id)
                .param("organizationId", organizationId)
                .param("status", status.databaseValue())
                .update();
        requireOne(updated, id);
    }

    /**
     * Gives a key that is not revoked a new secret digest; the current one becomes the previous
     * secret, accepted until {@code previousUntil}, and replaces any earlier previous secret.
     */
    void reroll(long organizationId, String id, byte[] newDigest, Instant previousUntil) {
        int updated = jdbc.sql("""
                        update api_keys
                           set previous_secret_hash = secret_hash, previous_secret_expires_at = :previousUntil,
                               secret_hash = :newDigest
                         where id = :id and organization_id = :organizationId and status <> 'revoked'
                        """)
                .param("id", id)
                .param("organizationId", organizationId)
                .param("newDigest", newDigest)
                .param("previousUntil", Timestamp.from(previousUntil))
                .update();
        requireOne(updated, id);
    }

    /** The agent the key is under, or null (migration V8). */
    String agentOf(String id) {
        List<String> agent = jdbc.sql("select agent_id from api_keys where id = :id").param("id", id)
                .query((rs, n) -> rs.getString(1)).list();
        return agent.isEmpty() ? null : agent.get(0);
    }

    void delete(long organizationId, String id) {
        int deleted = jdbc.sql("delete from api_keys where id = :id and organization_id = :organizationId")
                .param("id", id)
                .param("organizationId", organizationId)
                .update();
        requireOne(deleted, id);
    }

    /** Applies a batch of last-used times in one statement; never moves a time backwards. */
    void recordLastUsed(Map<String, Instant> lastUsedById) {
        if (lastUsedById.isEmpty()) {
            return;
        }
        String[] ids = lastUsedById.keySet().stream().sorted().toArray(String[]::new); // one lock order for all writers
        Timestamp[] times = Arrays.stream(ids).map(id -> Timestamp.from(lastUsedById.get(id))).toArray(Timestamp[]::new);
        jdbc.sql("""
                        update api_keys k
                           set last_used_at = greatest(k.last_used_at, u.used_at)
                          from unnest(:ids, :times) as u(id, used_at)
                         where k.id = u.id
                        """)
                .param("ids", ids)
                .param("times", times)
                .update();
    }

    private static void requireOne(int rows, String id) {
        if (rows != 1) {
            throw new IllegalStateException("Writing API key " + id + " changed " + rows + " rows");
        }
    }

    private static ApiKey mapRow(ResultSet rs, int rowNum) throws SQLException {
        long quotaLimit = rs.getLong("quota_limit");
        Quota quota = rs.wasNull() ? null : new Quota(quotaLimit, Quota.Period.of(rs.getString("quota_period")));
        int rateLimit = rs.getInt("rate_limit_per_minute");
        Integer rateLimitPerMinute = rs.wasNull() ? null : rateLimit;
        Array cidrArray = rs.getArray("allowed_cidrs");
        List<CidrRange> cidrs = cidrArray == null ? List.of()
                : Arrays.stream((String[]) cidrArray.getArray()).map(CidrRange::parse).toList();
        return new ApiKey(
                rs.getString("id"),
                rs.getLong("organization_id"),
                rs.getString("slug").intern(),
                rs.getString("name"),
                rs.getBytes("secret_hash"),
                textArray(rs.getArray("scopes")),
                KeyStatus.fromDatabase(rs.getString("status")),
                rs.getString("team"),
                rs.getString("owner"),
                instant(rs.getTimestamp("expires_at")),
                instant(rs.getTimestamp("created_at")),
                instant(rs.getTimestamp("last_used_at")),
                cidrs,
                rateLimitPerMinute,
                quota,
                instant(rs.getTimestamp("revoked_at")),
                rs.getLong("status_index"),
                apiLimits(rs),
                instant(rs.getTimestamp("over_budget_until")),
                previousSecret(rs),
                textArray(rs.getArray("audiences")),
                rs.getBoolean("imported") ? new ApiKey.Imported(rs.getString("key_prefix")) : null);
    }

    private static ApiKey.PreviousSecret previousSecret(ResultSet rs) throws SQLException {
        byte[] digest = rs.getBytes("previous_secret_hash");
        return digest == null ? null
                : new ApiKey.PreviousSecret(digest, instant(rs.getTimestamp("previous_secret_expires_at")));
    }

    private static Map<String, Object> apiLimitParams(ApiRequestLimits limits) {
        Map<String, Object> params = new HashMap<>();
        params.put("apiPerMinute", limits.requestsPerMinute());
        params.put("requestBudget", limits.requestBudget() == null ? null : limits.requestBudget().limit());
        params.put("requestBudgetPeriod", limits.requestBudget() == null ? null : limits.requestBudget().periodName());
        params.put("costBudget", limits.costBudget() == null ? null : limits.costBudget().limit());
        params.put("costBudgetPeriod", limits.costBudget() == null ? null : limits.costBudget().periodName());
        return params;
    }

    private static ApiRequestLimits apiLimits(ResultSet rs) throws SQLException {
        int perMinute = rs.getInt("api_requests_per_minute");
        Integer requestsPerMinute = rs.wasNull() ? null : perMinute;
        ApiRequestLimits limits = new ApiRequestLimits(requestsPerMinute, budget(rs, "request_budget"), budget(rs, "cost_budget"));
        return limits.equals(ApiRequestLimits.NONE) ? ApiRequestLimits.NONE : limits; // most keys: one shared object, not one per cached row
    }

    private static Budget budget(ResultSet rs, String column) throws SQLException {
        long limit = rs.getLong(column);
        return rs.wasNull() ? null : new Budget(limit, Budget.period(rs.getString(column + "_period")));
    }

    private static String[] cidrs(List<CidrRange> ranges) {
        return ranges == null || ranges.isEmpty() ? null : ranges.stream().map(CidrRange::toString).toArray(String[]::new);
    }

    private static Timestamp timestamp(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }

    /**
     * Interned: the key cache holds up to a million rows, and scopes and audiences recur across keys
     * (as the organization's slug does), where each row read brings its own copies.
     */
    private static List<String> textArray(Array array) throws SQLException {
        String[] values = (String[]) array.getArray();
        Arrays.setAll(values, i -> values[i].intern());
        return List.of(values);
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }

    /** The columns of a new key; status starts active. */
    record NewKeyRow(String id, long organizationId, String name, byte[] secretDigest, List<String> scopes,
                            String team, String owner, Instant expiresAt, List<CidrRange> allowedCidrs,
                            Integer rateLimitPerMinute, Quota quota, ApiRequestLimits apiLimits,
                            List<String> audiences) {

        NewKeyRow {
            apiLimits = apiLimits == null ? ApiRequestLimits.NONE : apiLimits;
            audiences = audiences == null ? List.of() : audiences;
        }
    }
}
