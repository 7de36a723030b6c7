package dev.keymint.server.keys;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
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
                   k.team, k.owner, k.expires_at, k.created_at, k.last_used_at
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

    public void insert(NewKeyRow key) {
        int inserted = jdbc.sql("""
                        insert into api_keys (id, organization_id, name, secret_hash, scopes, team, owner, expires_at)
                        values (:id, :organizationId, :name, :secretHash, :scopes, :team, :owner, :expiresAt)
                        """)
                .param("id", key.id())
                .param("organizationId", key.organizationId())
                .param("name", key.name())
                .param("secretHash", key.secretDigest())
                .param("scopes", key.scopes().toArray(String[]::new))
                .param("team", key.team())
                .param("owner", key.owner())
                .param("expiresAt", key.expiresAt() == null ? null : Timestamp.from(key.expiresAt()))
                .update();
        if (inserted != 1) {
            throw new IllegalStateException("Inserting API key " + key.id() + " changed " + inserted + " rows");
        }
    }

    /** Applies a batch of last-used times in one statement; never moves a time backwards. */
    public void recordLastUsed(Map<String, Instant> lastUsedById) {
        if (lastUsedById.isEmpty()) {
            return;
        }
        String[] ids = lastUsedById.keySet().toArray(String[]::new);
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

    private static ApiKey mapRow(ResultSet rs, int rowNum) throws SQLException {
        return new ApiKey(
                rs.getString("id"),
                rs.getLong("organization_id"),
                rs.getString("slug"),
                rs.getString("name"),
                rs.getBytes("secret_hash"),
                textArray(rs.getArray("scopes")),
                KeyStatus.fromDatabase(rs.getString("status")),
                rs.getString("team"),
                rs.getString("owner"),
                instant(rs.getTimestamp("expires_at")),
                instant(rs.getTimestamp("created_at")),
                instant(rs.getTimestamp("last_used_at")));
    }

    private static List<String> textArray(Array array) throws SQLException {
        return List.of((String[]) array.getArray());
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }

    /** The columns of a new key; status starts active. */
    public record NewKeyRow(String id, long organizationId, String name, byte[] secretDigest, List<String> scopes,
                            String team, String owner, Instant expiresAt) {
    }
}
