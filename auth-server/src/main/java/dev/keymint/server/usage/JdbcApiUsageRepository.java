package dev.keymint.server.usage;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Reads and adds to {@code api_usage_hourly} and {@code usage_report_batches}. */
@Repository
public class JdbcApiUsageRepository {

    /** Sums saturate here instead of overflowing bigint (the counts are client input). */
    private static final String SATURATE = "9223372036854775807";

    private final JdbcClient jdbc;

    public JdbcApiUsageRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Remembers a reporter's batch id with its answer, unless the id is already remembered.
     *
     * @return false when the batch was booked before (or is being booked by a concurrent
     *         transaction, which this call waits for)
     */
    public boolean claimBatch(String reporterKeyId, String batchId, Instant now, int accepted, int ignored) {
        return jdbc.sql("""
                        insert into usage_report_batches (reporter_key_id, batch_id, received_at, accepted, ignored)
                        values (:reporter, :batch, :now, :accepted, :ignored)
                        on conflict do nothing
                        """)
                .param("reporter", reporterKeyId)
                .param("batch", batchId)
                .param("now", Timestamp.from(now))
                .param("accepted", accepted)
                .param("ignored", ignored)
                .update() == 1;
    }

    /** What a booked batch was answered: {accepted, ignored}. */
    public Optional<int[]> batchOutcome(String reporterKeyId, String batchId) {
        return jdbc.sql("select accepted, ignored from usage_report_batches "
                        + "where reporter_key_id = :reporter and batch_id = :batch")
                .param("reporter", reporterKeyId)
                .param("batch", batchId)
                .query((rs, n) -> new int[] {rs.getInt("accepted"), rs.getInt("ignored")})
                .optional();
    }

    public int forgetBatchesBefore(Instant before) {
        return jdbc.sql("delete from usage_report_batches where received_at < :before")
                .param("before", Timestamp.from(before))
                .update();
    }

    /**
     * Adds the rows in one statement. Rows are added in key order, so two reports with keys in
     * common lock their rows in the same order and never deadlock.
     */
    public void add(Instant hour, List<ApiUsage> rows) {
        if (rows.isEmpty()) {
            return;
        }
        List<ApiUsage> sorted = rows.stream().sorted(Comparator.comparing(ApiUsage::keyId)).toList();
        jdbc.sql("""
                        insert into api_usage_hourly (organization_id, key_id, hour, allowed, refused_scope, refused_rate, cost)
                        select u.organization_id, u.key_id, :hour, u.allowed, u.refused_scope, u.refused_rate, u.cost
                          from unnest(:organizations, :keys, :allowed, :refusedScope, :refusedRate, :cost)
                               as u(organization_id, key_id, allowed, refused_scope, refused_rate, cost)
                        on conflict (key_id, hour) do update set
                            allowed = least(api_usage_hourly.allowed::numeric + excluded.allowed, %1$s)::bigint,
                            refused_scope = least(api_usage_hourly.refused_scope::numeric + excluded.refused_scope, %1$s)::bigint,
                            refused_rate = least(api_usage_hourly.refused_rate::numeric + excluded.refused_rate, %1$s)::bigint,
                            cost = least(api_usage_hourly.cost::numeric + excluded.cost, %1$s)::bigint
                        """.formatted(SATURATE))
                .param("hour", Timestamp.from(hour))
                .param("organizations", sorted.stream().map(ApiUsage::organizationId).toArray(Long[]::new))
                .param("keys", sorted.stream().map(ApiUsage::keyId).toArray(String[]::new))
                .param("allowed", sorted.stream().map(ApiUsage::allowed).toArray(Long[]::new))
                .param("refusedScope", sorted.stream().map(ApiUsage::refusedScope).toArray(Long[]::new))
                .param("refusedRate", sorted.stream().map(ApiUsage::refusedRate).toArray(Long[]::new))
                .param("cost", sorted.stream().map(ApiUsage::cost).toArray(Long[]::new))
                .update();
    }

    /**
     * Per key: allowed requests booked in hours from {@code requestsFrom}, and cost from
     * {@code costFrom} (each key's own budget periods).
     */
    public Map<String, Spent> spent(Map<String, Instant[]> fromByKey) {
        if (fromByKey.isEmpty()) {
            return Map.of();
        }
        String[] ids = fromByKey.keySet().toArray(String[]::new);
        Map<String, Spent> spent = new HashMap<>();
        jdbc.sql("""
                        select u.id,
                               least(coalesce(sum(h.allowed) filter (where h.hour >= u.requests_from), 0), %1$s)::bigint as requests,
                               least(coalesce(sum(h.cost) filter (where h.hour >= u.cost_from), 0), %1$s)::bigint as cost
                          from unnest(:ids, :requestsFrom, :costFrom) as u(id, requests_from, cost_from)
                          left join api_usage_hourly h on h.key_id = u.id and h.hour >= least(u.requests_from, u.cost_from)
                         group by u.id
                        """.formatted(SATURATE))
                .param("ids", ids)
                .param("requestsFrom", Arrays.stream(ids).map(id -> Timestamp.from(fromByKey.get(id)[0])).toArray(Timestamp[]::new))
                .param("costFrom", Arrays.stream(ids).map(id -> Timestamp.from(fromByKey.get(id)[1])).toArray(Timestamp[]::new))
                .query(rs -> {
                    spent.put(rs.getString("id"), new Spent(rs.getLong("requests"), rs.getLong("cost")));
                });
        return spent;
    }

    /**
     * Hourly API usage of an organization, or of one of its keys when {@code keyId} is not null,
     * for hours in {@code [from, to)}.
     */
    public List<HourlyApiUsage> hourly(long organizationId, String keyId, Instant from, Instant to) {
        return jdbc.sql("""
                        select hour,
                               least(sum(allowed), %1$s)::bigint as allowed,
                               least(sum(refused_scope), %1$s)::bigint as refused_scope,
                               least(sum(refused_rate), %1$s)::bigint as refused_rate,
                               least(sum(cost), %1$s)::bigint as cost
                          from api_usage_hourly
                         where organization_id = :organizationId
                           and (cast(:keyId as text) is null or key_id = :keyId)
                           and hour >= :from and hour < :to
                         group by hour
                         order by hour
                        """.formatted(SATURATE))
                .param("organizationId", organizationId)
                .param("keyId", keyId)
                .param("from", Timestamp.from(from))
                .param("to", Timestamp.from(to))
                .query((rs, n) -> new HourlyApiUsage(rs.getTimestamp("hour").toInstant(), rs.getLong("allowed"),
                        rs.getLong("refused_scope"), rs.getLong("refused_rate"), rs.getLong("cost")))
                .list();
    }

    /** One key's reported requests and cost to add to an hour. */
    public record ApiUsage(long organizationId, String keyId, long allowed, long refusedScope, long refusedRate,
                           long cost) {
    }

    /** What counts against a key's budgets in their current periods. */
    public record Spent(long requests, long cost) {
    }

    /** An hour of reported API usage. */
    public record HourlyApiUsage(Instant hour, long allowed, long refusedScope, long refusedRate, long cost) {
    }
}
