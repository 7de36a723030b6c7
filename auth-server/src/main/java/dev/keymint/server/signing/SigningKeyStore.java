package dev.keymint.server.signing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWK;
import dev.keymint.server.database.DataDirectoryProperties;
import dev.keymint.server.signing.SigningKeyCipher.Decrypted;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Lazy;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Every change to the stored signing keys: first key, rotation steps, emergency replacement and
 * master-key re-encryption. Each runs in one transaction under a PostgreSQL advisory lock, so
 * that when several instances attempt the same step at the same moment exactly one performs it
 * and the others find it done.
 *
 * <p>Lazy: the master key is resolved only by commands that touch signing keys.
 */
@Component
@Lazy
public class SigningKeyStore {

    private static final Logger log = LoggerFactory.getLogger(SigningKeyStore.class);

    private final JdbcSigningKeyRepository repository;
    private final SigningKeyCipher cipher;
    private final SigningAlgorithm algorithm;
    private final SigningProperties signing;
    private final TokenLifetime tokens;
    private final TransactionTemplate transactions;
    private final Clock clock;

    SigningKeyStore(JdbcSigningKeyRepository repository, MasterKeyProperties masterKeys, DataDirectoryProperties data,
                    SigningProperties signing, TokenLifetime tokens, TransactionTemplate transactions, Clock clock) {
        this.repository = repository;
        this.cipher = new SigningKeyCipher(MasterKey.resolve(masterKeys.masterKey(), data.dataDir()),
                MasterKey.previous(masterKeys.previousMasterKeys()));
        this.algorithm = SigningAlgorithm.of(signing.algorithm());
        this.signing = signing;
        this.tokens = tokens;
        this.transactions = transactions;
        this.clock = clock;
    }

    /**
     * Makes the stored keys usable by this instance: checks that the master key opens every one
     * (else throws and changes nothing), re-encrypts under the current master key those that a
     * previous master key opened, and generates the first key when there is none.
     */
    List<SigningKeyRow> initialize() {
        return locked(() -> {
            List<SigningKeyRow> rows = repository.findAll();
            List<Decrypted> opened = rows.stream().map(this::decrypt).toList();
            for (int i = 0; i < rows.size(); i++) {
                if (!opened.get(i).underCurrentMasterKey()) {
                    SigningKeyRow row = rows.get(i);
                    repository.replaceCiphertext(row.kid(), cipher.encrypt(row.kid(), opened.get(i).plaintext()));
                    log.info("Re-encrypted signing key {} under the current master key", row.kid());
                }
            }
            if (rows.isEmpty()) {
                SigningKeyRow first = generate(SigningKeyState.CURRENT, clock.instant());
                repository.insert(first);
                log.info("Generated the first signing key {} ({})", first.kid(), first.algorithm());
            }
            return repository.findAll();
        });
    }

    /** Performs whatever scheduled rotation step is due; returns whether anything changed. */
    boolean advance() {
        return locked(() -> {
            Instant now = clock.instant();
            List<SigningKeyRow> rows = repository.findAll();
            RotationPlan plan = RotationPlan.at(now, rows, signing.rotationPeriod(), signing.prePublication(),
                    signing.retention(tokens.ttl()));
            if (plan.publishNext()) {
                SigningKeyRow next = generate(SigningKeyState.NEXT, now);
                repository.insert(next);
                log.info("Published signing key {}; it starts signing in {}", next.kid(), signing.prePublication());
            }
            plan.promote().ifPresent(kid -> {
                rows.stream().filter(k -> k.state() == SigningKeyState.CURRENT).findFirst()
                        .ifPresent(current -> repository.retire(current.kid(), now));
                repository.activate(kid, now);
                log.info("Signing key {} now signs; the previous one stays published for {}", kid,
                        signing.retention(tokens.ttl()));
            });
            plan.remove().forEach(kid -> {
                repository.delete(kid);
                log.info("Removed retired signing key {}: every token it signed has expired", kid);
            });
            return !plan.isEmpty();
        });
    }

    /**
     * Starts a rotation now: publishes a {@code next} key (or keeps the one already published),
     * which starts signing after {@link SigningProperties#prePublication()}. No token breaks.
     */
    public String rotate() {
        return locked(() -> {
            Optional<SigningKeyRow> pending = repository.findAll().stream()
                    .filter(k -> k.state() == SigningKeyState.NEXT).findFirst();
            if (pending.isPresent()) {
                return pending.get().kid();
            }
            SigningKeyRow next = generate(SigningKeyState.NEXT, clock.instant());
            repository.insert(next);
            log.info("Rotation requested: published signing key {}; it starts signing in {}", next.kid(),
                    signing.prePublication());
            return next.kid();
        });
    }

    /**
     * Key compromise: removes the current key from the JWKS at once and signs with a new key
     * immediately. Tokens the removed key signed stop verifying as soon as verifiers refresh.
     */
    public String replaceCompromisedKey() {
        return locked(() -> {
            repository.findAll().stream().filter(k -> k.state() == SigningKeyState.CURRENT).findFirst()
                    .ifPresent(current -> {
                        repository.delete(current.kid());
                        log.warn("Emergency rotation: removed signing key {}", current.kid());
                    });
            SigningKeyRow replacement = generate(SigningKeyState.CURRENT, clock.instant());
            repository.insert(replacement);
            log.warn("Emergency rotation: signing key {} signs from now on", replacement.kid());
            return replacement.kid();
        });
    }

    List<SigningKeyRow> findAll() {
        return repository.findAll();
    }

    Set<String> kids() {
        return repository.kids();
    }

    Decrypted decrypt(SigningKeyRow row) {
        return cipher.decrypt(row.kid(), row.privateKeyCiphertext());
    }

    private SigningKeyRow generate(SigningKeyState state, Instant now) {
        try {
            JWK key = algorithm.generate();
            byte[] ciphertext = cipher.encrypt(key.getKeyID(), key.toJSONString().getBytes(StandardCharsets.UTF_8));
            return new SigningKeyRow(key.getKeyID(), algorithm.name(), state, key.toPublicJWK().toJSONString(),
                    ciphertext, now, state == SigningKeyState.CURRENT ? now : null, null);
        } catch (JOSEException e) {
            throw new IllegalStateException("Cannot generate a " + algorithm + " signing key", e);
        }
    }

    private <T> T locked(java.util.function.Supplier<T> work) {
        return transactions.execute(status -> {
            repository.lock();
            return work.get();
        });
    }
}
