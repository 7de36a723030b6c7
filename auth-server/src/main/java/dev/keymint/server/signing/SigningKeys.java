package dev.keymint.server.signing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import dev.keymint.server.KeymintProperties;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.ParseException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.SecretKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The signing keys every instance shares, held in memory: the current signer and the published
 * JWKS. The database is the source of truth; each instance re-reads it every
 * {@code keymint.signing.refresh-interval}, so neither signing nor the JWKS endpoint reads it per
 * request.
 *
 * <p>On first start (an empty table) one key is generated, under a PostgreSQL advisory lock so
 * that instances starting together create exactly one. A master key that cannot decrypt the
 * stored keys stops the server: it never generates new keys over existing ones.
 */
@Component
@ConditionalOnWebApplication
public class SigningKeys {

    private static final Logger log = LoggerFactory.getLogger(SigningKeys.class);

    private final JdbcSigningKeyRepository repository;
    private final SigningKeyCipher cipher;
    private final SigningAlgorithm algorithm;
    private final TransactionTemplate transactions;
    private volatile State state;

    public SigningKeys(JdbcSigningKeyRepository repository, KeymintProperties keymint, SigningProperties signing,
                       TransactionTemplate transactions) {
        this.repository = repository;
        SecretKey masterKey = MasterKey.resolve(keymint.masterKey(), keymint.dataDir());
        this.cipher = new SigningKeyCipher(masterKey);
        this.algorithm = SigningAlgorithm.of(signing.algorithm());
        this.transactions = transactions;
        this.state = load(ensureOneKeyExists());
        log.info("Signing with key {} ({}); {} key(s) published", state.current.kid(), state.current.algorithm(),
                state.publishedCount);
    }

    public SigningKey current() {
        return state.current;
    }

    public PublishedJwks jwks() {
        return state.jwks;
    }

    /** Follows changes made by other instances (rotation). A failed refresh keeps the last state. */
    @Scheduled(fixedDelayString = "${keymint.signing.refresh-interval:10s}",
            initialDelayString = "${keymint.signing.refresh-interval:10s}")
    public void refresh() {
        try {
            state = load(repository.findAll());
        } catch (RuntimeException e) {
            log.warn("Could not refresh signing keys, keeping the ones in memory: {}", e.getMessage());
        }
    }

    private List<SigningKeyRow> ensureOneKeyExists() {
        return transactions.execute(status -> {
            repository.lockForGeneration();
            List<SigningKeyRow> rows = repository.findAll();
            if (!rows.isEmpty()) {
                return rows;
            }
            SigningKeyRow generated = generate();
            repository.insert(generated);
            log.info("Generated the first signing key {} ({})", generated.kid(), generated.algorithm());
            return List.of(generated);
        });
    }

    private SigningKeyRow generate() {
        try {
            JWK key = algorithm.generate();
            byte[] ciphertext = cipher.encrypt(key.getKeyID(), key.toJSONString().getBytes(StandardCharsets.UTF_8));
            return new SigningKeyRow(key.getKeyID(), algorithm.name(), SigningKeyState.CURRENT,
                    key.toPublicJWK().toJSONString(), ciphertext, Instant.now(), Instant.now(), null);
        } catch (JOSEException e) {
            throw new IllegalStateException("Cannot generate a " + algorithm + " signing key", e);
        }
    }

    private State load(List<SigningKeyRow> rows) {
        SigningKeyRow current = rows.stream().filter(row -> row.state() == SigningKeyState.CURRENT).findFirst()
                .orElseThrow(() -> new IllegalStateException("No current signing key in the database"));
        try {
            JWK privateKey = JWK.parse(new String(cipher.decrypt(current.kid(), current.privateKeyCiphertext()),
                    StandardCharsets.UTF_8));
            SigningAlgorithm currentAlgorithm = SigningAlgorithm.of(current.algorithm());
            SigningKey signingKey = new SigningKey(current.kid(), currentAlgorithm.jwsAlgorithm,
                    currentAlgorithm.signer(privateKey));
            List<JWK> published = rows.stream().map(SigningKeys::parsePublic).toList();
            String json = new JWKSet(published).toString(true);
            return new State(signingKey, new PublishedJwks(json, etag(json)), published.size());
        } catch (ParseException | JOSEException e) {
            throw new IllegalStateException("Signing key " + current.kid() + " cannot be loaded", e);
        }
    }

    private static JWK parsePublic(SigningKeyRow row) {
        try {
            return JWK.parse(row.publicJwk());
        } catch (ParseException e) {
            throw new IllegalStateException("Stored public key " + row.kid() + " is not a JWK", e);
        }
    }

    private static String etag(String json) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(json.getBytes(StandardCharsets.UTF_8));
            return "\"" + HexFormat.of().formatHex(digest, 0, 16) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private record State(SigningKey current, PublishedJwks jwks, int publishedCount) {
    }
}
