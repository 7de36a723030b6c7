package dev.keymint.sdk;

import java.util.Objects;
import java.util.Optional;

/**
 * The token was not accepted. {@link #reason()} says why; {@link #getMessage()} is a short
 * description that is safe to return to the caller (it never contains the token).
 *
 * <p>Most reasons mean the token is bad ({@code 401}, {@code error="invalid_token"});
 * {@link Reason#JWKS_UNAVAILABLE}, {@link Reason#STATUS_UNAVAILABLE} and
 * {@link Reason#TOKEN_ENDPOINT_UNAVAILABLE} mean this side could not obtain the issuer's keys, a
 * current status list or a token for an API key, a server-side failure ({@code 503}), see
 * {@link #isServerFailure()}.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6750#section-3.1">RFC 6750 §3.1 Error Codes</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9068#section-4">RFC 9068 §4 Validating JWT Access Tokens</a>
 */
public final class TokenRejectedException extends KeymintException {

    private static final long serialVersionUID = 1L;

    /** Why a token was rejected. */
    public enum Reason {
        /**
         * No token, not a compact JWS, bad base64url or JSON, a missing required claim, {@code crit},
         * or a {@code status.status_list} claim that is not usable: not an object with a
         * non-negative integer {@code idx} and a string {@code uri}, a {@code uri} not under the
         * issuer, or an {@code idx} outside the list it names.
         */
        MALFORMED,
        /** The token is longer than the configured maximum; it was not parsed. */
        TOO_LARGE,
        /** The {@code alg} header is not one of the configured algorithms ({@code none} and HMAC never are). */
        UNSUPPORTED_ALGORITHM,
        /** The {@code typ} header is missing or not {@code at+jwt}. */
        WRONG_TYPE,
        /** The {@code kid} is not in the issuer's JWKS (after a rate-limited refresh). */
        UNKNOWN_KEY,
        /** The signature does not verify with the issuer's key. */
        BAD_SIGNATURE,
        /** {@code exp} is in the past (beyond the clock skew). */
        EXPIRED,
        /** {@code nbf} or {@code iat} is in the future (beyond the clock skew). */
        NOT_YET_VALID,
        /** {@code iss} is not exactly the configured issuer. */
        WRONG_ISSUER,
        /** {@code aud} does not contain the configured audience. */
        WRONG_AUDIENCE,
        /** {@code org} is not the configured organization. */
        WRONG_ORGANIZATION,
        /** The issuer's keys could not be fetched and no usable cached copy exists: a server-side failure. */
        JWKS_UNAVAILABLE,
        /**
         * The token's entry in its Status List is {@code 0x01 INVALID} (Keymint: its API key was
         * revoked, deleted or expired), or a status value this SDK does not know.
         */
        REVOKED,
        /** The token's entry in its Status List is {@code 0x02 SUSPENDED} (Keymint: its API key is disabled). */
        SUSPENDED,
        /**
         * The token's Status List could not be fetched and no copy within the staleness bound
         * exists (or too many lists are tracked): a server-side failure.
         */
        STATUS_UNAVAILABLE,
        /**
         * An API key sent as a Bearer token (with {@code TokenVerifier.Builder#apiKeys(boolean)}) was
         * refused by Keymint's token endpoint; the description carries its OAuth error code, e.g.
         * {@code invalid_client}, and its explanation.
         */
        API_KEY_REFUSED,
        /**
         * An API key sent as a Bearer token could not be exchanged: Keymint's token endpoint was
         * unreachable or answered with a server error. A server-side failure.
         */
        TOKEN_ENDPOINT_UNAVAILABLE;

        /** @return whether this reason is a failure on the verifying side rather than a bad token */
        public boolean isServerFailure() {
            return this == JWKS_UNAVAILABLE || this == STATUS_UNAVAILABLE || this == TOKEN_ENDPOINT_UNAVAILABLE;
        }
    }

    private final Reason reason;

    /**
     * @param reason      why
     * @param description short, caller-safe description
     */
    public TokenRejectedException(Reason reason, String description) {
        this(reason, description, null);
    }

    /**
     * @param reason      why
     * @param description short, caller-safe description
     * @param cause       the underlying failure, may be null
     */
    public TokenRejectedException(Reason reason, String description, Throwable cause) {
        super(Objects.requireNonNull(description, "description cannot be null"), cause);
        this.reason = Objects.requireNonNull(reason, "reason cannot be null");
    }

    /** @return why the token was rejected */
    public Reason reason() {
        return reason;
    }

    /** @return whether the verifying side failed (keys, status list or token endpoint unavailable) rather than the token being bad */
    public boolean isServerFailure() {
        return reason.isServerFailure();
    }

    /**
     * @return {@code invalid_token} for a bad token; empty for a server-side failure, which has
     *         no RFC 6750 error code
     */
    public Optional<String> bearerError() {
        return isServerFailure() ? Optional.empty() : Optional.of("invalid_token");
    }

    /** @return 401 for a bad token, 503 for a server-side failure */
    @Override
    public int httpStatus() {
        return isServerFailure() ? 503 : 401;
    }
}
