package dev.keymint.sdk;

import java.util.Objects;

/**
 * The token is valid but none of its scopes covers the scope a request needs.
 * Answer {@code 403} with {@code error="insufficient_scope"} and {@code scope="}{@link #required()}{@code "}.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6750#section-3.1">RFC 6750 §3.1 Error Codes</a>
 */
public final class InsufficientScopeException extends KeymintException {

    private static final long serialVersionUID = 1L;

    private final Scope required;

    /** @param required the scope that was needed */
    public InsufficientScopeException(Scope required) {
        super("the token does not grant " + Objects.requireNonNull(required, "required cannot be null"), null);
        this.required = required;
    }

    /** @return the scope that was needed */
    public Scope required() {
        return required;
    }

    /** @return {@code insufficient_scope} */
    public String bearerError() {
        return "insufficient_scope";
    }

    /** @return 403 */
    @Override
    public int httpStatus() {
        return 403;
    }
}
