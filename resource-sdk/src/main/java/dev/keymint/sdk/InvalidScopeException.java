package dev.keymint.sdk;

/**
 * Thrown when a scope, a list of scopes or a resource filter is not well formed.
 *
 * <p>It extends {@link IllegalArgumentException} (not {@link KeymintException}) because it
 * always signals bad input handed to a parser; the auth server maps it to the OAuth
 * {@code invalid_scope} error.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-3.3">RFC 6749 §3.3 Access Token Scope</a>
 */
public final class InvalidScopeException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what is wrong with the input (never contains secrets; the offending
     *                text is truncated)
     */
    public InvalidScopeException(String message) {
        super(message);
    }
}
