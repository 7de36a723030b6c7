package dev.keymint.server.tokens;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How many token requests are worked on at once ({@code KEYMINT_TOKENS_CONCURRENCY_LIMIT},
 * {@code KEYMINT_TOKENS_CONCURRENCY_MAX_WAIT}); see {@link TokenRequestAdmission}.
 *
 * @param limit   token requests in progress at once; 0 (the default) means two per CPU core,
 *                so that the cores stay busy while some requests wait for the database or the network
 * @param maxWait how long a request may wait for its turn before it is answered 503
 *                {@code temporarily_unavailable}
 */
@ConfigurationProperties("keymint.tokens.concurrency")
public record TokenConcurrencyProperties(
        @DefaultValue("0") int limit,
        @DefaultValue("5s") Duration maxWait) {

    public TokenConcurrencyProperties {
        if (limit < 0) {
            throw new IllegalArgumentException("keymint.tokens.concurrency.limit must be 0 (automatic) or more: " + limit);
        }
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException("keymint.tokens.concurrency.max-wait must not be negative: " + maxWait);
        }
    }

    /** The limit in force: the configured one, or two per core. */
    int effectiveLimit() {
        return limit > 0 ? limit : Runtime.getRuntime().availableProcessors() * 2;
    }
}
