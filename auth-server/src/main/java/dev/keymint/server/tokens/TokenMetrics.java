package dev.keymint.server.tokens;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;

/**
 * Counts what the token endpoint answered, for operators ({@code /actuator/prometheus}):
 * {@code keymint_tokens_issued_total} and {@code keymint_tokens_refused_total{reason}}. Counted where
 * the answer is written, so every answer is counted once, whatever refused it.
 *
 * <p>{@code reason} is the OAuth error code, made finer where the code hides what an operator must
 * tell apart: a key that is {@code disabled}, {@code revoked} or {@code expired}, or used from outside
 * its {@code cidr}s, rather than {@code invalid_client}; {@code busy} (the admission queue) rather
 * than {@code unavailable} (the database). The common reasons are registered at start, at 0, so that
 * rates and alerts see them before the first refusal.
 */
final class TokenMetrics {

    static final String BUSY = "busy";
    static final String UNAVAILABLE = "unavailable";
    private static final List<String> COMMON_REASONS = List.of(OAuth2ErrorCodes.INVALID_CLIENT, "disabled", "revoked",
            "expired", "cidr", LimitExceededException.RATE_LIMITED, LimitExceededException.QUOTA_EXCEEDED,
            OAuth2ErrorCodes.INVALID_SCOPE, OAuth2ErrorCodes.INVALID_REQUEST, OAuth2ErrorCodes.UNSUPPORTED_GRANT_TYPE,
            UNAVAILABLE, BUSY);

    private final MeterRegistry registry;
    private final Counter issued;
    private final Map<String, Counter> refused = new ConcurrentHashMap<>();

    TokenMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.issued = Counter.builder("keymint.tokens.issued").description("Access tokens issued").register(registry);
        COMMON_REASONS.forEach(this::refusedCounter);
    }

    void issued() {
        issued.increment();
    }

    void refused(OAuth2Error error) {
        refusedCounter(reason(error)).increment();
    }

    /** The reasons are our error codes and refinements, never client input: a bounded set of tags. */
    private static String reason(OAuth2Error error) {
        if (error instanceof Refusal refusal) {
            return refusal.reason;
        }
        return OAuth2ErrorCodes.TEMPORARILY_UNAVAILABLE.equals(error.getErrorCode()) ? UNAVAILABLE : error.getErrorCode();
    }

    private Counter refusedCounter(String reason) {
        return refused.computeIfAbsent(reason, tag -> Counter.builder("keymint.tokens.refused")
                .description("Token requests refused, by reason")
                .tag("reason", tag)
                .register(registry));
    }

    /** An OAuth error that also says, for {@code keymint_tokens_refused_total}, why more precisely than its code. */
    static final class Refusal extends OAuth2Error {

        private final String reason;

        Refusal(String errorCode, String reason, String description, String uri) {
            super(errorCode, description, uri);
            this.reason = reason;
        }
    }
}
