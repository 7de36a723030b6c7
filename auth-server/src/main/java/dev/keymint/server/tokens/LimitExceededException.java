package dev.keymint.server.tokens;

import dev.keymint.server.keys.ApiKey;
import dev.keymint.server.usage.UsageOutcome;
import java.time.Duration;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;

/**
 * A key over its rate limit ({@code rate_limited}) or issuance quota ({@code quota_exceeded}):
 * answered with 429, {@code Retry-After} and an RFC 6749 §5.2-shaped error body.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6585#section-4">RFC 6585 §4 429 Too Many Requests</a>
 */
final class LimitExceededException extends OAuth2AuthenticationException {

    static final String RATE_LIMITED = "rate_limited";
    static final String QUOTA_EXCEEDED = "quota_exceeded";

    private final transient Duration retryAfter;

    private LimitExceededException(ApiKey key, String errorCode, UsageOutcome outcome, String description,
                                   Duration retryAfter) {
        super(new TokenOutcomes.Refusal(errorCode, errorCode, description, null, key, outcome));
        this.retryAfter = retryAfter;
    }

    static LimitExceededException rateLimited(ApiKey key, String description, Duration retryAfter) {
        return new LimitExceededException(key, RATE_LIMITED, UsageOutcome.RATE_LIMITED, description, retryAfter);
    }

    /** Over its issuance quota, or a budget spent on its API requests. */
    static LimitExceededException quotaExceeded(ApiKey key, String description, Duration retryAfter) {
        return new LimitExceededException(key, QUOTA_EXCEEDED, UsageOutcome.QUOTA_EXCEEDED, description, retryAfter);
    }

    Duration retryAfter() {
        return retryAfter;
    }
}
