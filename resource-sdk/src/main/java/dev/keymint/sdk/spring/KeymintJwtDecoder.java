package dev.keymint.sdk.spring;

import dev.keymint.sdk.RateLimitedException;
import dev.keymint.sdk.TokenRejectedException;
import dev.keymint.sdk.TokenVerifier;
import dev.keymint.sdk.VerifiedToken;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * A Spring Security {@link JwtDecoder} that delegates to a Keymint {@link TokenVerifier}, so a
 * Spring resource server applies exactly Keymint's checks:
 *
 * <pre>{@code
 * http.oauth2ResourceServer(o -> o.jwt(j -> j.decoder(new KeymintJwtDecoder(verifier))));
 * }</pre>
 *
 * A rejected token (revoked and suspended ones included) becomes a {@link BadJwtException}
 * (Spring answers 401 {@code invalid_token} with the message as description); unavailable keys
 * or status lists become a plain {@link JwtException} (an authentication service failure, not
 * the caller's fault). A key over its {@code api_requests_per_minute} becomes a {@link BadJwtException}
 * whose cause is the {@link RateLimitedException}: install {@link KeymintAuthenticationEntryPoint} to
 * answer it with 429 and {@code Retry-After} (Spring's default entry point answers 401). The resulting {@link Jwt} has {@code exp}, {@code iat}, {@code nbf} as
 * {@link Instant}s and {@code aud} as a list; Spring's default converter maps the {@code scope}
 * claim to {@code SCOPE_action:filter} authorities. With a verifier built with {@code apiKeys(true)}, a
 * Keymint API key sent as Bearer token is exchanged first, with the current request's address as
 * the caller's (read from Spring's {@code RequestContextHolder}). Thread-safe.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9068#section-4">RFC 9068 §4</a>
 */
public final class KeymintJwtDecoder implements JwtDecoder {

    private final TokenVerifier verifier;

    /** @param verifier the verifier to delegate to */
    public KeymintJwtDecoder(TokenVerifier verifier) {
        this.verifier = Objects.requireNonNull(verifier, "verifier cannot be null");
    }

    /**
     * The current request's client address, for an API key's allowed CIDRs: Spring Boot's
     * {@code RequestContextFilter} binds the request before Spring Security's filters run.
     */
    private static String callerAddress() {
        return RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes
                ? attributes.getRequest().getRemoteAddr() : null;
    }

    @Override
    public Jwt decode(String token) throws JwtException {
        VerifiedToken verified;
        try {
            verified = verifier.verify(token, callerAddress());
        } catch (TokenRejectedException e) {
            if (e.isServerFailure()) {
                throw new JwtException(e.getMessage(), e);
            }
            throw new BadJwtException(e.getMessage(), e);
        } catch (RateLimitedException e) {
            throw new BadJwtException(e.getMessage(), e); // the only failure Spring sends to the entry point with its cause
        }
        Map<String, Object> headers = new LinkedHashMap<>();
        headers.put("alg", verified.algorithm().jwsName());
        headers.put("typ", "at+jwt");
        verified.keyId().ifPresent(kid -> headers.put("kid", kid));
        Map<String, Object> claims = new LinkedHashMap<>(verified.claims());
        claims.put("exp", verified.expiresAt());
        claims.put("iat", verified.issuedAt());
        if (claims.get("nbf") instanceof Number nbf) {
            claims.put("nbf", Instant.ofEpochSecond(nbf.longValue()));
        }
        claims.put("aud", verified.audience());
        String value = token.regionMatches(true, 0, "Bearer ", 0, 7) ? token.substring(7).strip() : token.strip();
        if (value.startsWith("kmk_")) {
            value = "kmk_" + verified.clientId() + "_..."; // an API key: never hand its secret on as the "token value"
        }
        return new VerifiedJwt(value, verified.issuedAt(), verified.expiresAt(), headers, claims, verified);
    }
}
