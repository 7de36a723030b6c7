package dev.keymint.server.signing;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Reads and writes {@code signing_keys}; newest first. */
@Repository
class JdbcSigningKeyRepository {

    /** Serialises changes to the signing keys across every instance sharing the database. */
    private static final long SIGNING_KEYS_LOCK = 0x6b65796d696e7401L;

    private final JdbcClient jdbc;

    JdbcSigningKeyRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Call inside a transaction: held until it ends. */
    void lock() {
        jdbc.sql("select pg_advisory_xact_lock(:lock)").param("lock", SIGNING_KEYS_LOCK).query().singleRow();
    }

    /** Only the kids: a cheap, frequent look for keys removed by another instance. */
    Set<String> kids() {
        return new HashSet<>(jdbc.sql("select kid from signing_keys").query(String.class).list());
    }

    List<SigningKeyRow> findAll() {
        return jdbc.sql("""
                        select kid, algorithm, state, public_jwk, private_key_ciphertext, created_at, activated_at, retired_at
                          from signing_keys
                         order by created_at desc, kid
                        """)
                .query(JdbcSigningKeyRepository::mapRow)
                .list();
    }

    void insert(SigningKeyRow key) {
        int inserted = jdbc.sql("""
                        insert into signing_keys (kid, algorithm, state, public_jwk, private_key_ciphertext,
                                                  created_at, activated_at)
                        values (:kid, :algorithm, :state, :publicJwk, :ciphertext, :createdAt, :activatedAt)
                        """)
                .param("kid", key.kid())
                .param("algorithm", key.algorithm())
                .param("state", key.state().databaseValue())
                .param("publicJwk", key.publicJwk())
                .param("ciphertext", key.privateKeyCiphertext())
                .param("createdAt", Timestamp.from(key.createdAt()))
                .param("activatedAt", timestamp(key.activatedAt()))
                .update();
        expectOne(inserted, "inserting", key.kid());
    }

    void retire(String kid, Instant at) {
        expectOne(jdbc.sql("update signing_keys set state = 'retired', retired_at = :at where kid = :kid and state = 'current'")
                .param("kid", kid).param("at", Timestamp.from(at)).update(), "retiring", kid);
    }

    void activate(String kid, Instant at) {
        expectOne(jdbc.sql("update signing_keys set state = 'current', activated_at = :at where kid = :kid and state = 'next'")
                .param("kid", kid).param("at", Timestamp.from(at)).update(), "activating", kid);
    }

    void delete(String kid) {
        expectOne(jdbc.sql("delete from signing_keys where kid = :kid").param("kid", kid).update(), "deleting", kid);
    }

    void replaceCiphertext(String kid, byte[] ciphertext) {
        expectOne(jdbc.sql("update signing_keys set private_key_ciphertext = :ciphertext where kid = :kid")
                .param("kid", kid).param("ciphertext", ciphertext).update(), "re-encrypting", kid);
    }

    private static void expectOne(int rows, String action, String kid) {
        if (rows != 1) {
            throw new IllegalStateException(action + " signing key " + kid + " changed " + rows + " rows");
        }
    }

    private static SigningKeyRow mapRow(ResultSet rs, int rowNum) throws SQLException {
        return new SigningKeyRow(
                rs.getString("kid"),
                rs.getString("algorithm"),
                SigningKeyState.fromDatabase(rs.getString("state")),
                rs.getString("public_jwk"),
                rs.getBytes("private_key_ciphertext"),
                instant(rs.getTimestamp("created_at")),
                instant(rs.getTimestamp("activated_at")),
                instant(rs.getTimestamp("retired_at")));
    }

    private static Timestamp timestamp(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
