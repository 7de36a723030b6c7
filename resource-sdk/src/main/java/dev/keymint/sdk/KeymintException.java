package dev.keymint.sdk;

/**
 * Root of the exceptions the Keymint SDK throws while verifying tokens and checking scopes.
 * Catch this to handle every verification outcome in one place; inspect the subtype for the
 * HTTP answer ({@link TokenRejectedException} → 401 or 503, {@link InsufficientScopeException}
 * → 403, {@link RateLimitedException} → 429). Parsing errors of scope text are
 * {@link InvalidScopeException}s instead (bad input to a parser, an {@link IllegalArgumentException}).
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6750#section-3.1">RFC 6750 §3.1 Error Codes</a>
 */
public abstract sealed class KeymintException extends RuntimeException
        permits TokenRejectedException, InsufficientScopeException, RateLimitedException {

    private static final long serialVersionUID = 1L;

    KeymintException(String message, Throwable cause) {
        super(message, cause);
    }

    /** @return the HTTP status a resource server should answer with */
    public abstract int httpStatus();
}
