package dev.keymint.sdk;

import java.time.Duration;
import java.util.Objects;

/**
 * The token is valid but its API key made more requests in the last 60 seconds than its
 * {@code api_requests_per_minute} claim allows, in this process. Answer {@code 429} with
 * {@code Retry-After: }{@link #retryAfterSeconds()} and {@code {"error":"rate_limited"}}; the
 * servlet filter and the Spring adapter do.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6585#section-4">RFC 6585 §4 429 Too Many Requests</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9110#section-10.2.3">RFC 9110 §10.2.3 Retry-After</a>
 */
public final class RateLimitedException extends KeymintException {

    private static final long serialVersionUID = 1L;

    private final String clientId;
    private final int limit;
    private final int retryAfterSeconds;

    /**
     * @param clientId          the key that exceeded its limit
     * @param limit             its requests per minute
     * @param retryAfterSeconds seconds until a request would be admitted, at least 1
     */
    public RateLimitedException(String clientId, int limit, int retryAfterSeconds) {
        super("the API key exceeded its limit of " + limit + " requests per minute", null);
        this.clientId = Objects.requireNonNull(clientId, "clientId cannot be null");
        this.limit = limit;
        this.retryAfterSeconds = Math.max(1, retryAfterSeconds);
    }

    /** @return the key ({@code client_id}) that exceeded its limit */
    public String clientId() {
        return clientId;
    }

    /** @return its {@code api_requests_per_minute} */
    public int limit() {
        return limit;
    }

    /** @return seconds until the oldest counted request leaves the 60-second window (1..60) */
    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** @return {@link #retryAfterSeconds()} as a duration */
    public Duration retryAfter() {
        return Duration.ofSeconds(retryAfterSeconds);
    }

    /** @return {@code rate_limited}, the {@code error} of the JSON answer */
    public String error() {
        return "rate_limited";
    }

    /** @return 429 */
    @Override
    public int httpStatus() {
        return 429;
    }
}
