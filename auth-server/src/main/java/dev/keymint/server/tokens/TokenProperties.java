package dev.keymint.server.tokens;

import dev.keymint.server.signing.TokenLifetime;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Access-token settings ({@code KEYMINT_TOKENS_*}).
 *
 * @param ttl         lifetime of an access token ({@code exp - iat})
 * @param audience    the {@code aud} claim resource servers expect
 * @param concurrency how many token requests are worked on at once
 * @param reuseWindow how long a repeated token request (same key, scopes and audience) is answered with
 *                    the token already issued for it, with the shorter {@code expires_in} it has left,
 *                    instead of a new one; 0 (the default) turns this off. At most a tenth of the ttl.
 *                    Within the window the caller gets the same {@code jti} again: see
 *                    {@code docs/tokens.md} ("Repeated requests") before turning it on
 */
@ConfigurationProperties("keymint.tokens")
public record TokenProperties(
        @DefaultValue("10m") Duration ttl,
        @DefaultValue("keymint") String audience,
        @DefaultValue Concurrency concurrency,
        @DefaultValue("0s") Duration reuseWindow) implements TokenLifetime {

    public TokenProperties {
        if (ttl.toSeconds() < 1 || ttl.toHours() > 24) {
            throw new IllegalArgumentException("keymint.tokens.ttl must be between 1 second and 24 hours: " + ttl);
        }
        if (audience.isBlank()) {
            throw new IllegalArgumentException("keymint.tokens.audience must not be blank");
        }
        // A whole second at least, as the times in a token are; a tenth of the ttl at most, so that a
        // repeated answer still has nine tenths of a token's lifetime left.
        if (!reuseWindow.isZero() && (reuseWindow.toSeconds() < 1 || reuseWindow.compareTo(ttl.dividedBy(10)) > 0)) {
            throw new IllegalArgumentException("keymint.tokens.reuse-window must be 0 (off) or between 1 second and a "
                    + "tenth of keymint.tokens.ttl (" + ttl.dividedBy(10) + "): " + reuseWindow);
        }
    }

    /**
     * How many token requests are worked on at once ({@code KEYMINT_TOKENS_CONCURRENCY_*}); see
     * {@link TokenRequestAdmission}.
     *
     * @param limit   token requests in progress at once; 0 (the default) means four per CPU core,
     *                so that the cores stay busy while some requests wait for the database, the
     *                network or for their thread to be woken when their turn comes
     * @param maxWait how long a request may wait for its turn before it is answered 503
     *                {@code temporarily_unavailable}
     */
    public record Concurrency(
            @DefaultValue("0") int limit,
            @DefaultValue("5s") Duration maxWait) {

        public Concurrency {
            if (limit < 0) {
                throw new IllegalArgumentException("keymint.tokens.concurrency.limit must be 0 (automatic) or more: "
                        + limit);
            }
            if (maxWait.isNegative()) {
                throw new IllegalArgumentException("keymint.tokens.concurrency.max-wait must not be negative: "
                        + maxWait);
            }
        }

        /** The limit in force: the configured one, or four per core. */
        int effectiveLimit() {
            return limit > 0 ? limit : Runtime.getRuntime().availableProcessors() * 4;
        }
    }
}
