package dev.keymint.server.status;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Token Status List settings ({@code KEYMINT_STATUS_TTL}, {@code KEYMINT_STATUS_VALIDITY},
 * {@code KEYMINT_STATUS_EXPIRY_CHECK_INTERVAL}).
 *
 * @param ttl      the list token's {@code ttl} claim and {@code Cache-Control: max-age}: how long a
 *                 verifier may use a list before fetching it again, so how long a revocation may take
 *                 to reach a verifier
 * @param validity the longest a list token is valid ({@code exp - iat}); a verifier that cannot
 *                 refresh may keep using its last list until then. At least twice the ttl.
 * @param expiryCheckInterval how often each instance marks the keys whose {@code expires_at} has just passed
 *                 as invalid in its lists
 */
@ConfigurationProperties("keymint.status")
public record StatusListProperties(
        @DefaultValue("10s") Duration ttl,
        @DefaultValue("1h") Duration validity,
        @DefaultValue("1s") Duration expiryCheckInterval) {

    public StatusListProperties {
        if (ttl.toSeconds() < 1 || ttl.toHours() > 24) {
            throw new IllegalArgumentException("keymint.status.ttl must be between 1 second and 24 hours: " + ttl);
        }
        if (validity.compareTo(ttl.multipliedBy(2)) < 0 || validity.toDays() > 7) {
            throw new IllegalArgumentException("keymint.status.validity must be at least twice the ttl (" + ttl
                    + ") and at most 7 days: " + validity);
        }
        if (expiryCheckInterval.isNegative() || expiryCheckInterval.isZero()) {
            throw new IllegalArgumentException("keymint.status.expiry-check-interval must be positive: "
                    + expiryCheckInterval);
        }
    }
}
