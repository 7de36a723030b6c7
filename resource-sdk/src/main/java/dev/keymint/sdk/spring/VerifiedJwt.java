package dev.keymint.sdk.spring;

import dev.keymint.sdk.VerifiedToken;
import java.io.Serial;
import java.time.Instant;
import java.util.Map;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * The {@link Jwt} {@link KeymintJwtDecoder} returns, keeping the {@link VerifiedToken} it came from
 * so that {@link KeymintAuthorization} checks scopes with it (and a scope refusal is counted in the
 * key's usage). To Spring it is an ordinary {@link Jwt}.
 */
final class VerifiedJwt extends Jwt {

    @Serial
    private static final long serialVersionUID = 1L;

    /** Per request, not worth serialising: a deserialised copy checks scopes from the claims. */
    private final transient VerifiedToken token;

    VerifiedJwt(String tokenValue, Instant issuedAt, Instant expiresAt, Map<String, Object> headers,
                Map<String, Object> claims, VerifiedToken token) {
        super(tokenValue, issuedAt, expiresAt, headers, claims);
        this.token = token;
    }

    /** @return the verified token, or null after deserialisation */
    VerifiedToken token() {
        return token;
    }
}
