package dev.keymint.server.tokens;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.keymint.sdk.Scopes;
import dev.keymint.server.keys.ApiKey;
import dev.keymint.server.signing.SigningKey;
import dev.keymint.server.signing.SigningKeys;
import dev.keymint.server.status.StatusListIndex;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Signs JWT access tokens following the JWT profile for OAuth 2.0 access tokens: header
 * {@code typ: at+jwt} and {@code kid}; claims {@code iss}, {@code sub} and {@code client_id} (the
 * key id), {@code aud}, {@code org}, {@code team} when the key has one, {@code scope}
 * (space-separated), {@code iat}, {@code nbf}, {@code exp}, {@code jti}, {@code status}: the key's
 * entry in a Token Status List, shared by every token of the key, and {@code api_requests_per_minute}
 * when the key has that limit.
 *
 * <p>{@code exp} is {@code iat} + ttl, or the key's {@code expires_at} (to the second below) when that
 * comes first: a token never outlives its key.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9068#section-2">RFC 9068 §2</a>
 * @see <a href="https://datatracker.ietf.org/doc/draft-ietf-oauth-status-list/">Token Status List §6.1</a>
 */
final class AccessTokenMinter {

    private static final JOSEObjectType AT_JWT = new JOSEObjectType("at+jwt");
    private static final Base64.Encoder JTI_ENCODING = Base64.getUrlEncoder().withoutPadding();

    private final SigningKeys signingKeys;
    private final Duration ttl;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    AccessTokenMinter(SigningKeys signingKeys, TokenProperties properties, Clock clock) {
        this.signingKeys = signingKeys;
        this.ttl = properties.ttl();
        this.clock = clock;
    }

    /** @param audience the token's {@code aud} ({@link TokenAudience}): a string when one, else an array */
    MintedToken mint(String issuer, ApiKey key, Scopes scopes, List<String> audience) {
        Instant issuedAt = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant expiresAt = issuedAt.plus(ttl);
        if (key.expiresAt() != null && key.expiresAt().isBefore(expiresAt)) {
            expiresAt = key.expiresAt().truncatedTo(ChronoUnit.SECONDS);
        }
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .subject(key.id())
                .claim("client_id", key.id())
                .audience(audience)
                .claim("org", key.organizationSlug())
                .claim("scope", scopes.toString())
                .issueTime(Date.from(issuedAt))
                .notBeforeTime(Date.from(issuedAt))
                .expirationTime(Date.from(expiresAt))
                .jwtID(newJti())
                .claim("status", status(issuer, key.statusIndex()));
        if (key.team() != null) {
            claims.claim("team", key.team());
        }
        if (key.apiLimits().requestsPerMinute() != null) {
            // Enforced by the resource servers (resource-sdk), per key and process, in a rolling 60 s.
            claims.claim("api_requests_per_minute", key.apiLimits().requestsPerMinute());
        }
        SigningKey signingKey = signingKeys.current();
        JWSHeader header = new JWSHeader.Builder(signingKey.algorithm()).type(AT_JWT).keyID(signingKey.kid()).build();
        SignedJWT jwt = new SignedJWT(header, claims.build());
        try {
            jwt.sign(signingKey.signer());
        } catch (JOSEException e) {
            throw new IllegalStateException("Signing with key " + signingKey.kid() + " failed", e);
        }
        return new MintedToken(jwt.serialize(), signingKey.kid(), issuedAt, expiresAt);
    }

    private static Map<String, Object> status(String issuer, long statusIndex) {
        Map<String, Object> statusList = new LinkedHashMap<>();
        statusList.put("idx", StatusListIndex.idx(statusIndex));
        statusList.put("uri", StatusListIndex.uri(issuer, StatusListIndex.listId(statusIndex)));
        return Map.of("status_list", statusList);
    }

    private String newJti() {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return JTI_ENCODING.encodeToString(bytes);
    }

    /**
     * A signed token as the token response gives it out.
     *
     * @param kid       the signing key that signed it
     * @param issuedAt  when it was given out: its {@code iat}, or for a repeated answer ({@link TokenReuse})
     *                  the time of that answer, so that {@code expires_in} counts what is left
     * @param expiresAt its {@code exp}
     */
    record MintedToken(String value, String kid, Instant issuedAt, Instant expiresAt) {

        /** The same token given out again at {@code now} (whole seconds, as {@code iat}). */
        MintedToken repeatedAt(Instant now) {
            return new MintedToken(value, kid, now, expiresAt);
        }
    }
}
