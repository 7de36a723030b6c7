package dev.keymint.server.signing;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Signing settings ({@code KEYMINT_SIGNING_*}).
 *
 * @param algorithm       algorithm of newly generated keys: RS256 (default) or ES256
 * @param jwksMaxAge      the {@code Cache-Control: max-age} of the JWKS response
 * @param refreshInterval how often each instance re-reads the signing keys, to follow the others
 */
@ConfigurationProperties("keymint.signing")
public record SigningProperties(
        @DefaultValue("RS256") String algorithm,
        @DefaultValue("5m") Duration jwksMaxAge,
        @DefaultValue("10s") Duration refreshInterval) {

    public SigningProperties {
        SigningAlgorithm.of(algorithm);
        if (jwksMaxAge.isNegative() || refreshInterval.isNegative() || refreshInterval.isZero()) {
            throw new IllegalArgumentException("keymint.signing durations must be positive");
        }
    }
}
