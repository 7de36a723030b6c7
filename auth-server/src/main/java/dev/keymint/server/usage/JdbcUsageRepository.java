package dev.keymint.server.usage;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Reads and adds to {@code usage_hourly}. */
@Repository
public class JdbcUsageRepository {

    private final JdbcClient jdbc;

    public JdbcUsageRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Adds a batch of counts in one statement. */
    public void add(Map<UsageRecorder.Bucket, Long> counts) {
        if (counts.isEmpty()) {
            return;
        }
        List<UsageRecorder.Bucket> buckets = new ArrayList<>(counts.keySet());
        jdbc.sql("""
                        insert into usage_hourly (organization_id, key_id, hour, outcome, count)
                        select * from unnest(:organizations, :keys, :hours, :outcomes, :counts)
                        on conflict (key_id, hour, outcome) do update set count = usage_hourly.count + excluded.count
                        """)
                .param("organizations", buckets.stream().map(UsageRecorder.Bucket::organizationId).toArray(Long[]::new))
                .param("keys", buckets.stream().map(UsageRecorder.Bucket::keyId).toArray(String[]::new))
                .param("hours", buckets.stream().map(b -> Timestamp.from(b.hour())).toArray(Timestamp[]::new))
                .param("outcomes", buckets.stream().map(b -> b.outcome().databaseValue()).toArray(String[]::new))
                .param("counts", buckets.stream().map(counts::get).toArray(Long[]::new))
                .update();
    }

    /**
     * Hourly counts of an organization, or of one of its keys when {@code keyId} is not null,
     * for hours in {@code [from, to)}.
     */
    public List<HourlyCount> hourly(long organizationId, String keyId, Instant from, Instant to) {
        return jdbc.sql("""
                        select hour, outcome, sum(count) as count
                          from usage_hourly
                         where organization_id = :organizationId
                           and (cast(:keyId as text) is null or key_id = :keyId)
                           and hour >= :from and hour < :to
                         group by hour, outcome
                         order by hour, outcome
                        """)
                .param("organizationId", organizationId)
                .param("keyId", keyId)
                .param("from", Timestamp.from(from))
                .param("to", Timestamp.from(to))
                .query((rs, n) -> new HourlyCount(rs.getTimestamp("hour").toInstant(), rs.getString("outcome"),
                        rs.getLong("count")))
                .list();
    }

    /** The count of one outcome in one hour. */
    public record HourlyCount(Instant hour, String outcome, long count) {
    }
}
