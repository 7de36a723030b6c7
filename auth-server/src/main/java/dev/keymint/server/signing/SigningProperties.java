package dev.keymint.server.signing;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Signing settings ({@code KEYMINT_SIGNING_*}).
 *
 * @param algorithm             algorithm of newly generated keys: RS256 (default), ES256 or EdDSA (Ed25519)
 * @param jwksMaxAge            the {@code Cache-Control: max-age} of the JWKS response
 * @param refreshInterval       how often each instance re-reads the signing keys to follow the others
 * @param rotationPeriod        how long a key signs before the scheduled rotation replaces it
 * @param rotationCheckInterval how often an instance checks whether a rotation step is due
 * @param removalCheckInterval  how often an instance looks for signing keys removed by another (an emergency
 *                              rotation), so that it stops accepting a compromised key's tokens
 * @param clockSkew             clock difference tolerated between instances and verifiers
 */
@ConfigurationProperties("keymint.signing")
public record SigningProperties(
        @DefaultValue("RS256") String algorithm,
        @DefaultValue("5m") Duration jwksMaxAge,
        @DefaultValue("10s") Duration refreshInterval,
        @DefaultValue("30d") Duration rotationPeriod,
        @DefaultValue("1m") Duration rotationCheckInterval,
        @DefaultValue("500ms") Duration removalCheckInterval,
        @DefaultValue("60s") Duration clockSkew) {

    public SigningProperties {
        SigningAlgorithm.of(algorithm);
        for (Duration duration : new Duration[] {jwksMaxAge, refreshInterval, rotationPeriod, rotationCheckInterval,
                removalCheckInterval}) {
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("keymint.signing durations must be positive");
            }
        }
        if (clockSkew.isNegative()) {
            throw new IllegalArgumentException("keymint.signing.clock-skew must not be negative");
        }
    }

    /**
     * How long a new key is published before it signs: every verifier's cached JWKS
     * ({@code max-age}) and every instance's in-memory copy ({@code refresh-interval}) has had time
     * to include it, plus the skew.
     */
    public Duration prePublication() {
        return jwksMaxAge.plus(refreshInterval).plus(clockSkew);
    }

    /**
     * How long a retired key stays published: the last token it signed may have been signed by an
     * instance that had not yet refreshed ({@code refresh-interval}) and lives {@code tokenTtl},
     * plus the skew verifiers allow.
     */
    public Duration retention(Duration tokenTtl) {
        return tokenTtl.plus(refreshInterval).plus(clockSkew);
    }
}
