package dev.keymint.server.usage;

import dev.keymint.server.keys.RecentKeyUse;
import dev.keymint.server.network.CidrRange;
import dev.keymint.server.usage.KeyUseRecorder.Hour;
import dev.keymint.server.usage.KeyUseRecorder.Use;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/** Adds to and reads {@code key_scope_usage_hourly}, {@code key_address_usage_hourly} and {@code key_usage_detail_hourly}. */
@Repository
public class JdbcKeyUseRepository {

    /** How long rows are kept: the warnings look back 24 hours. */
    static final Duration KEPT = Duration.ofHours(48);

    private final JdbcClient jdbc;

    public JdbcKeyUseRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Adds a batch in three statements, in a transaction of its own: a flush asked for inside an
     * admin transaction must not be undone when that one rolls back (or is a dry run).
     */
    @Transactional(propagation = Propagation.REQUIRES_NEW)
    public void add(Map<Hour, Use> batch) {
        List<Hour> hours = new ArrayList<>(batch.keySet());
        jdbc.sql("""
                        insert into key_usage_detail_hourly (organization_id, key_id, hour, tokens_per_minute,
                                                             untracked_scope_tokens, untracked_address_tokens)
                        select o, k, h, cast(m as bigint[]), us, ua
                          from unnest(:organizations, :keys, :hours, :minutes, :untrackedScopes, :untrackedAddresses)
                               as t(o, k, h, m, us, ua)
                        on conflict (key_id, hour) do update set
                            tokens_per_minute = array(select a + b from unnest(key_usage_detail_hourly.tokens_per_minute,
                                                      excluded.tokens_per_minute) with ordinality as s(a, b, i) order by i),
                            untracked_scope_tokens = key_usage_detail_hourly.untracked_scope_tokens + excluded.untracked_scope_tokens,
                            untracked_address_tokens = key_usage_detail_hourly.untracked_address_tokens + excluded.untracked_address_tokens
                        """)
                .param("organizations", hours.stream().map(Hour::organizationId).toArray(Long[]::new))
                .param("keys", hours.stream().map(Hour::keyId).toArray(String[]::new))
                .param("hours", hours.stream().map(h -> Timestamp.from(h.hour())).toArray(Timestamp[]::new))
                .param("minutes", hours.stream().map(h -> arrayLiteral(batch.get(h).tokensPerMinute.perMinute())).toArray(String[]::new))
                .param("untrackedScopes", hours.stream().map(h -> batch.get(h).untrackedScopeTokens).toArray(Long[]::new))
                .param("untrackedAddresses", hours.stream().map(h -> batch.get(h).untrackedAddressTokens).toArray(Long[]::new))
                .update();
        Rows scopes = new Rows();
        Rows addresses = new Rows();
        batch.forEach((hour, use) -> {
            use.tokensByScope.forEach((scope, n) -> scopes.add(hour, scope, n));
            use.tokensByAddress.forEach((address, n) -> addresses.add(hour, canonical(address), n));
        });
        scopes.upsert("""
                insert into key_scope_usage_hourly (organization_id, key_id, hour, scope, tokens)
                select * from unnest(:organizations, :keys, :hours, :entries, :tokens)
                on conflict (key_id, hour, scope) do update set tokens = key_scope_usage_hourly.tokens + excluded.tokens
                """);
        addresses.upsert("""
                insert into key_address_usage_hourly (organization_id, key_id, hour, address, tokens)
                select o, k, h, cast(a as inet), n from unnest(:organizations, :keys, :hours, :entries, :tokens) as t(o, k, h, a, n)
                on conflict (key_id, hour, address) do update set tokens = key_address_usage_hourly.tokens + excluded.tokens
                """);
    }

    /** Deletes the hours before {@code hour}. */
    @Transactional(propagation = Propagation.REQUIRES_NEW)
    public void deleteBefore(Instant hour) {
        for (String table : List.of("key_scope_usage_hourly", "key_address_usage_hourly", "key_usage_detail_hourly")) {
            jdbc.sql("delete from " + table + " where hour < :hour").param("hour", Timestamp.from(hour)).update();
        }
    }

    /** The key's use in the hours from the one containing {@code since}. */
    RecentKeyUse since(long organizationId, String keyId, Instant since) {
        Map<String, Long> scopes = counts("""
                select scope as entry, sum(tokens) as tokens from key_scope_usage_hourly
                 where organization_id = :organizationId and key_id = :keyId and hour >= :since group by scope
                """, organizationId, keyId, since);
        Map<String, Long> addresses = counts("""
                select host(address) as entry, sum(tokens) as tokens from key_address_usage_hourly
                 where organization_id = :organizationId and key_id = :keyId and hour >= :since group by address
                """, organizationId, keyId, since);
        return jdbc.sql("""
                        select coalesce(sum(d.untracked_scope_tokens), 0) as untracked_scopes,
                               coalesce(sum(d.untracked_address_tokens), 0) as untracked_addresses,
                               coalesce(sum(m.tokens), 0) as tokens,
                               coalesce(max(m.peak), 0) as peak,
                               (select coalesce(max(a.allowed), 0) from api_usage_hourly a
                                 where a.organization_id = :organizationId and a.key_id = :keyId
                                   and a.hour >= :since) as busiest_api_hour
                          from key_usage_detail_hourly d
                          cross join lateral (select sum(n) as tokens, max(n) as peak from unnest(d.tokens_per_minute) n) m
                         where d.organization_id = :organizationId and d.key_id = :keyId and d.hour >= :since
                        """)
                .param("organizationId", organizationId)
                .param("keyId", keyId)
                .param("since", Timestamp.from(since))
                .query((rs, n) -> new RecentKeyUse(scopes, rs.getLong("untracked_scopes"), addresses,
                        rs.getLong("untracked_addresses"), rs.getLong("tokens"), rs.getLong("peak"),
                        rs.getLong("busiest_api_hour")))
                .single();
    }

    private Map<String, Long> counts(String sql, long organizationId, String keyId, Instant since) {
        Map<String, Long> counts = new HashMap<>();
        jdbc.sql(sql).param("organizationId", organizationId).param("keyId", keyId).param("since", Timestamp.from(since))
                .query(rs -> {
                    counts.put(rs.getString("entry"), rs.getLong("tokens"));
                });
        return counts;
    }

    /** An address as PostgreSQL's inet reads it (the literal's bytes, no zone); null if not a literal. */
    private static String canonical(String address) {
        byte[] bytes = CidrRange.literal(address);
        try {
            return bytes == null ? null : InetAddress.getByAddress(bytes).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a literal of 4 or 16 bytes is always an address", e);
        }
    }

    private static String arrayLiteral(long[] values) {
        return Arrays.toString(values).replace('[', '{').replace(']', '}').replace(" ", "");
    }

    /** Rows of one of the per-entry tables, gathered for one unnest statement. */
    private final class Rows {

        private final List<Long> organizations = new ArrayList<>();
        private final List<String> keys = new ArrayList<>();
        private final List<Timestamp> hours = new ArrayList<>();
        private final List<String> entries = new ArrayList<>();
        private final List<Long> tokens = new ArrayList<>();

        void add(Hour hour, String entry, long n) {
            if (entry == null) {
                return; // the resolver gives literals; anything else is not worth a row
            }
            organizations.add(hour.organizationId());
            keys.add(hour.keyId());
            hours.add(Timestamp.from(hour.hour()));
            entries.add(entry);
            tokens.add(n);
        }

        void upsert(String sql) {
            if (entries.isEmpty()) {
                return;
            }
            jdbc.sql(sql)
                    .param("organizations", organizations.toArray(Long[]::new))
                    .param("keys", keys.toArray(String[]::new))
                    .param("hours", hours.toArray(Timestamp[]::new))
                    .param("entries", entries.toArray(String[]::new))
                    .param("tokens", tokens.toArray(Long[]::new))
                    .update();
        }
    }
}
