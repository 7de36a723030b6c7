package dev.keymint.server.limits;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The shared counters of {@code limit_counters}. */
@Repository
public class JdbcLimitCounterRepository {

    private final JdbcClient jdbc;

    public JdbcLimitCounterRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Adds every increment in one atomic upsert. */
    public void add(List<Increment> increments) {
        if (increments.isEmpty()) {
            return;
        }
        jdbc.sql("""
                        insert into limit_counters (key_id, kind, bucket, count)
                        select * from unnest(:keys, :kinds, :buckets, :counts)
                        on conflict (key_id, kind, bucket) do update set count = limit_counters.count + excluded.count
                        """)
                .param("keys", increments.stream().map(Increment::keyId).toArray(String[]::new))
                .param("kinds", increments.stream().map(Increment::kind).toArray(String[]::new))
                .param("buckets", increments.stream().map(Increment::bucket).toArray(Long[]::new))
                .param("counts", increments.stream().map(Increment::count).toArray(Long[]::new))
                .update();
    }

    /** Requests counted in seconds after {@code sinceExclusive}, per key. */
    public Map<String, Total> rateTotals(List<String> keyIds, long sinceExclusive) {
        Map<String, Total> totals = new HashMap<>();
        jdbc.sql("""
                        select key_id, sum(count) as total, min(bucket) as oldest
                          from limit_counters
                         where kind = 'rate' and key_id = any(:keys) and bucket > :since
                         group by key_id
                        """)
                .param("keys", keyIds.toArray(String[]::new))
                .param("since", sinceExclusive)
                .query(rs -> {
                    totals.put(rs.getString("key_id"), new Total(rs.getLong("total"), rs.getLong("oldest")));
                });
        return totals;
    }

    /** Tokens counted in the given period (by its start bucket), per key. */
    public Map<String, Long> quotaTotals(Map<String, Long> periodByKey) {
        Map<String, Long> totals = new HashMap<>();
        String[] keys = periodByKey.keySet().toArray(String[]::new);
        jdbc.sql("""
                        select c.key_id, c.count
                          from limit_counters c
                          join unnest(:keys, :buckets) as u(key_id, bucket)
                            on c.key_id = u.key_id and c.kind = 'quota' and c.bucket = u.bucket
                        """)
                .param("keys", keys)
                .param("buckets", java.util.Arrays.stream(keys).map(periodByKey::get).toArray(Long[]::new))
                .query(rs -> {
                    totals.put(rs.getString("key_id"), rs.getLong("count"));
                });
        return totals;
    }

    public void deleteOlderThan(long rateBucket, long quotaBucket) {
        jdbc.sql("""
                        delete from limit_counters
                         where (kind = 'rate' and bucket < :rate) or (kind = 'quota' and bucket < :quota)
                        """)
                .param("rate", rateBucket)
                .param("quota", quotaBucket)
                .update();
    }

    public record Increment(String keyId, String kind, long bucket, long count) {
    }

    public record Total(long count, long oldestBucket) {
    }
}
