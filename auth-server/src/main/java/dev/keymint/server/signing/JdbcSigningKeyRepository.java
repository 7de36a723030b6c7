package dev.keymint.server.signing;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Reads and writes {@code signing_keys}; newest first. */
@Repository
class JdbcSigningKeyRepository {

    /** Serialises key generation across every instance sharing the database. */
    private static final long GENERATION_LOCK = 0x6b65796d696e7401L;

    private final JdbcClient jdbc;

    JdbcSigningKeyRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Call inside a transaction: held until it ends. */
    void lockForGeneration() {
        jdbc.sql("select pg_advisory_xact_lock(:lock)").param("lock", GENERATION_LOCK).query().singleRow();
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
                        insert into signing_keys (kid, algorithm, state, public_jwk, private_key_ciphertext, activated_at)
                        values (:kid, :algorithm, :state, :publicJwk, :ciphertext, :activatedAt)
                        """)
                .param("kid", key.kid())
                .param("algorithm", key.algorithm())
                .param("state", key.state().databaseValue())
                .param("publicJwk", key.publicJwk())
                .param("ciphertext", key.privateKeyCiphertext())
                .param("activatedAt", key.activatedAt() == null ? null : Timestamp.from(key.activatedAt()))
                .update();
        if (inserted != 1) {
            throw new IllegalStateException("Inserting signing key " + key.kid() + " changed " + inserted + " rows");
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

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
