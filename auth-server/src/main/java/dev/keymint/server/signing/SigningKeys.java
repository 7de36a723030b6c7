package dev.keymint.server.signing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.FixedDelayTask;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;

/**
 * The signing keys as this instance uses them, in memory: the current signer and the published
 * JWKS ({@code next}, {@code current} and {@code retired} keys). PostgreSQL is the source of truth;
 * each instance re-reads it every {@code keymint.signing.refresh-interval} to follow rotations
 * made by others, so neither signing nor the JWKS endpoint reads the database per request.
 *
 * <p>A removed key (an emergency rotation deletes the compromised one) is followed faster: every
 * {@code keymint.signing.removal-check-interval} an instance reads just the kids,
 * and refreshes when one it publishes is gone, so Keymint's own verifiers ({@link #publishes}) stop
 * accepting the compromised key within a second on every instance.
 */
@Component
@ConditionalOnWebApplication
public class SigningKeys implements SchedulingConfigurer {

    private static final Logger log = LoggerFactory.getLogger(SigningKeys.class);

    private final SigningKeyStore store;
    private final SigningProperties properties;
    private volatile State state;

    public SigningKeys(SigningKeyStore store, SigningProperties properties) {
        this.store = store;
        this.properties = properties;
        this.state = load(store.initialize(), null);
        log.info("Signing with key {} ({}); {} key(s) published", state.current.kid(), state.current.algorithm(),
                state.publishedCount);
    }

    public SigningKey current() {
        return state.current;
    }

    public PublishedJwks jwks() {
        return state.jwks;
    }

    /** Whether this kid is in the published JWKS now (a token it signed may still be accepted). */
    public boolean publishes(String kid) {
        return state.kids.contains(kid);
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar tasks) {
        Duration removalCheck = properties.removalCheckInterval();
        Duration refresh = properties.refreshInterval();
        tasks.addFixedDelayTask(new FixedDelayTask(this::followRemovals, removalCheck, removalCheck));
        tasks.addFixedDelayTask(new FixedDelayTask(this::refresh, refresh, refresh));
    }

    /** Refreshes at once when another instance removed a key this one still publishes. */
    void followRemovals() {
        Set<String> published = state.kids;
        try {
            if (!store.kids().containsAll(published)) {
                refresh();
            }
        } catch (RuntimeException e) {
            log.debug("Could not look for removed signing keys: {}", e.getMessage());
        }
    }

    /** When the current key started signing (its creation, for the very first key). */
    public Instant currentSince() {
        return state.currentSince;
    }

    /** Follows changes made by any instance. A failed refresh keeps the last good state. */
    public void refresh() {
        try {
            State previous = state;
            state = load(store.findAll(), previous);
            if (!previous.current.kid().equals(state.current.kid())) {
                log.info("Now signing with key {}", state.current.kid());
            }
        } catch (RuntimeException e) {
            log.warn("Could not refresh signing keys, keeping the ones in memory: {}", e.getMessage());
        }
    }

    private State load(List<SigningKeyRow> rows, State previous) {
        SigningKeyRow current = rows.stream().filter(row -> row.state() == SigningKeyState.CURRENT).findFirst()
                .orElseThrow(() -> new IllegalStateException("No current signing key in the database"));
        List<JWK> published = rows.stream().map(SigningKeys::parsePublic).toList();
        String json = new JWKSet(published).toString(true);
        SigningKey signingKey = previous != null && previous.current.kid().equals(current.kid())
                ? previous.current
                : signer(current);
        Instant since = current.activatedAt() != null ? current.activatedAt() : current.createdAt();
        Set<String> kids = rows.stream().map(SigningKeyRow::kid).collect(Collectors.toUnmodifiableSet());
        return new State(signingKey, since, new PublishedJwks(json, etag(json)), published.size(), kids);
    }

    private SigningKey signer(SigningKeyRow row) {
        try {
            JWK privateKey = JWK.parse(new String(store.decrypt(row).plaintext(), StandardCharsets.UTF_8));
            SigningAlgorithm algorithm = SigningAlgorithm.of(row.algorithm());
            return new SigningKey(row.kid(), algorithm.jwsAlgorithm, algorithm.signer(privateKey));
        } catch (ParseException | JOSEException e) {
            throw new IllegalStateException("Signing key " + row.kid() + " cannot be loaded", e);
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

    private record State(SigningKey current, Instant currentSince, PublishedJwks jwks, int publishedCount,
                         Set<String> kids) {
    }
}
