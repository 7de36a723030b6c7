package dev.keymint.server.tokens;

import java.time.Duration;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;

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

    LimitExceededException(String errorCode, String description, Duration retryAfter) {
        super(new OAuth2Error(errorCode, description, null));
        this.retryAfter = retryAfter;
    }

    Duration retryAfter() {
        return retryAfter;
    }
}
