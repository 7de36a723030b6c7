package dev.keymint.server.tokens;

import dev.keymint.server.signing.TokenLifetime;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Access-token settings ({@code KEYMINT_TOKENS_TTL}, {@code KEYMINT_TOKENS_AUDIENCE}).
 *
 * @param ttl      lifetime of an access token ({@code exp - iat})
 * @param audience the {@code aud} claim resource servers expect
 */
@ConfigurationProperties("keymint.tokens")
public record TokenProperties(
        @DefaultValue("10m") Duration ttl,
        @DefaultValue("keymint") String audience) implements TokenLifetime {

    public TokenProperties {
        if (ttl.toSeconds() < 1 || ttl.toHours() > 24) {
            throw new IllegalArgumentException("keymint.tokens.ttl must be between 1 second and 24 hours: " + ttl);
        }
        if (audience.isBlank()) {
            throw new IllegalArgumentException("keymint.tokens.audience must not be blank");
        }
    }
}
