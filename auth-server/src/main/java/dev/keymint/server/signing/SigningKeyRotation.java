package dev.keymint.server.signing;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.FixedDelayTask;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;

/**
 * Drives rotation on a schedule (every instance checks; the advisory lock lets one act) and on
 * demand, and makes this instance pick up its own changes at once rather than at the next refresh.
 */
@Component
@ConditionalOnWebApplication
public class SigningKeyRotation implements SchedulingConfigurer {

    private static final Logger log = LoggerFactory.getLogger(SigningKeyRotation.class);

    private final SigningKeyStore store;
    private final SigningKeys keys;
    private final Duration checkInterval;

    SigningKeyRotation(SigningKeyStore store, SigningKeys keys, SigningProperties properties) {
        this.store = store;
        this.keys = keys;
        this.checkInterval = properties.rotationCheckInterval();
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar tasks) {
        tasks.addFixedDelayTask(new FixedDelayTask(this::advance, checkInterval, checkInterval));
    }

    /** Takes the rotation step that is due, if any. */
    void advance() {
        try {
            if (store.advance()) {
                keys.refresh();
            }
        } catch (RuntimeException e) {
            log.warn("Scheduled signing-key rotation step failed; will retry: {}", e.getMessage());
        }
    }

    /** Publishes the next key now; it signs after the pre-publication window. Returns its kid. */
    public String rotate() {
        String kid = store.rotate();
        keys.refresh();
        return kid;
    }

    /** Every stored key, newest first, without private material. */
    public List<PublishedKey> published() {
        return store.findAll().stream().map(row -> new PublishedKey(row.kid(), row.algorithm(),
                row.state().databaseValue(), row.createdAt(), row.activatedAt(), row.retiredAt())).toList();
    }

    /** A signing key as operators see it. */
    public record PublishedKey(String kid, String algorithm, String state, Instant createdAt, Instant activatedAt,
                               Instant retiredAt) {
    }

    /** Replaces a compromised current key at once. Returns the new kid. */
    public String replaceCompromisedKey() {
        String kid = store.replaceCompromisedKey();
        keys.refresh();
        return kid;
    }
}
