package dev.keymint.server.tokens;

import dev.keymint.server.keys.ApiKey;
import dev.keymint.server.usage.KeyUseRecorder;
import dev.keymint.server.usage.UsageOutcome;
import dev.keymint.server.usage.UsageRecorder;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;

/**
 * Books what the token endpoint answered, once per answer, where it is written (so whatever refused
 * a request, it is booked exactly once): for operators, {@code keymint_tokens_issued_total} and
 * {@code keymint_tokens_refused_total{reason}} ({@code /actuator/prometheus}); for the key's owner,
 * when the request named a key that exists, the outcome in the key's usage ({@link UsageRecorder},
 * in memory) and, for a token, its scopes and client address ({@link KeyUseRecorder}, in memory).
 *
 * <p>{@code reason} is the OAuth error code, made finer where the code hides what an operator must
 * tell apart: a key that is {@code disabled}, {@code revoked} or {@code expired}, or used from outside
 * its {@code cidr}s, or presented a {@code secret_replaced} by a reroll, rather than {@code invalid_client}; {@code busy} (the admission queue) rather
 * than {@code unavailable} (the database). The common reasons are registered at start, at 0, so that
 * rates and alerts see them before the first refusal.
 */
final class TokenOutcomes {

    static final String BUSY = "busy";
    static final String UNAVAILABLE = "unavailable";
    private static final List<String> COMMON_REASONS = List.of(OAuth2ErrorCodes.INVALID_CLIENT, "disabled", "revoked",
            "expired", "cidr", ApiKeyClientAuthenticationProvider.SECRET_REPLACED, LimitExceededException.RATE_LIMITED, LimitExceededException.QUOTA_EXCEEDED,
            OAuth2ErrorCodes.INVALID_SCOPE, TokenAudience.INVALID_TARGET, OAuth2ErrorCodes.INVALID_REQUEST,
            OAuth2ErrorCodes.UNSUPPORTED_GRANT_TYPE, UNAVAILABLE, BUSY);

    private final MeterRegistry registry;
    private final UsageRecorder usage;
    private final KeyUseRecorder keyUse;
    private final Clock clock;
    private final Counter issued;
    private final Map<String, Counter> refused = new ConcurrentHashMap<>();

    TokenOutcomes(MeterRegistry registry, UsageRecorder usage, KeyUseRecorder keyUse, Clock clock) {
        this.registry = registry;
        this.usage = usage;
        this.keyUse = keyUse;
        this.clock = clock;
        this.issued = Counter.builder("keymint.tokens.issued").description("Access tokens issued").register(registry);
        COMMON_REASONS.forEach(this::refusedCounter);
    }

    /** A token was issued to {@code clientAddress}: also what its scopes and address were ({@link KeyUseRecorder}). */
    void issued(ApiKey key, OAuth2AccessToken token, String clientAddress) {
        issued.increment();
        usage.record(key.organizationId(), key.id(), UsageOutcome.ISSUED, token.getIssuedAt());
        keyUse.issued(key.organizationId(), key.id(), token.getScopes(), clientAddress, token.getIssuedAt());
    }

    void refused(OAuth2Error error) {
        refusedCounter(reason(error)).increment();
        if (error instanceof Refusal refusal && refusal.key != null) {
            usage.record(refusal.key.organizationId(), refusal.key.id(), refusal.outcome, clock.instant());
        }
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

    /**
     * An OAuth error that also says why more precisely than its code (for
     * {@code keymint_tokens_refused_total}) and, when the request named a key that exists, whose
     * request it refused and how that counts in the key's usage.
     */
    static final class Refusal extends OAuth2Error {

        private final String reason;
        private final transient ApiKey key;
        private final transient UsageOutcome outcome;

        /** A refusal of no known key: nothing to book in any key's usage. */
        Refusal(String errorCode, String reason, String description, String uri) {
            this(errorCode, reason, description, uri, null, null);
        }

        /** A refusal of this key's request, booked in its usage as {@code outcome}. */
        Refusal(String errorCode, String reason, String description, String uri, ApiKey key, UsageOutcome outcome) {
            super(errorCode, description, uri);
            this.reason = reason;
            this.key = key;
            this.outcome = outcome;
        }
    }
}
