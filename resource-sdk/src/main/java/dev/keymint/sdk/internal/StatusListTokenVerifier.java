package dev.keymint.sdk.internal;

import dev.keymint.sdk.SignatureAlgorithm;
import dev.keymint.sdk.TokenRejectedException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Checks a Status List Token (JWT form) fetched from {@code uri}: compact JWS, {@code alg} among
 * the configured algorithms, {@code typ} {@code statuslist+jwt}, no {@code crit}, signature by a
 * key of the issuer's JWKS (the same cache as access tokens), {@code iss} the issuer, {@code sub}
 * exactly {@code uri}, {@code iat} present, {@code exp} (if present) not passed, {@code ttl} (if
 * present) positive, and {@code status_list} decodable within the size limit. Thread-safe. Not API.
 *
 * @see <a href="https://datatracker.ietf.org/doc/draft-ietf-oauth-status-list/">Token Status List §5.1 Status List Token in JWT Format, §8.3 Validation Rules</a>
 */
public final class StatusListTokenVerifier {

    /**
     * A verified Status List Token.
     *
     * @param list      the decoded entries
     * @param issuedAt  {@code iat}
     * @param expiresAt {@code exp}, or null when absent
     * @param ttl       {@code ttl}, or null when absent
     */
    public record Verified(StatusList list, Instant issuedAt, Instant expiresAt, Duration ttl) {
    }

    private final String issuer;
    private final JwksCache keys;
    private final Set<SignatureAlgorithm> algorithms;
    private final Function<String, SignatureAlgorithm> algorithmNames;
    private final Duration clockSkew;
    private final int maxListBytes;

    /**
     * @param issuer       the configured issuer ({@code iss} must equal it)
     * @param keys         the issuer's keys
     * @param algorithms     accepted algorithms
     * @param algorithmNames the algorithm an {@code alg} header names (null if none), as for access tokens
     * @param clockSkew      tolerance for {@code exp}
     * @param maxListBytes   largest accepted decompressed list
     */
    public StatusListTokenVerifier(String issuer, JwksCache keys, Set<SignatureAlgorithm> algorithms,
                                   Function<String, SignatureAlgorithm> algorithmNames, Duration clockSkew,
                                   int maxListBytes) {
        this.issuer = issuer;
        this.keys = keys;
        this.algorithms = algorithms;
        this.algorithmNames = algorithmNames;
        this.clockSkew = clockSkew;
        this.maxListBytes = maxListBytes;
    }

    /**
     * @param jws the response body
     * @param uri where it was fetched from
     * @param now the current time
     * @return the verified list
     * @throws IOException naming the first check that failed
     */
    public Verified verify(String jws, String uri, Instant now) throws IOException {
        String compact = jws.strip();
        int dot1 = compact.indexOf('.');
        int dot2 = dot1 < 0 ? -1 : compact.indexOf('.', dot1 + 1);
        if (dot1 <= 0 || dot2 < 0 || compact.indexOf('.', dot2 + 1) >= 0) {
            throw new IOException("the status list is not a compact JWS");
        }
        Map<String, Object> header = json(compact.substring(0, dot1), "header");
        SignatureAlgorithm algorithm = header.get("alg") instanceof String alg ? algorithmNames.apply(alg) : null;
        if (algorithm == null || !algorithms.contains(algorithm)) {
            throw new IOException("the status list's alg is not accepted");
        }
        if (!AccessTokenParser.hasType(header.get("typ"), "statuslist+jwt")) {
            throw new IOException("the status list's typ is not statuslist+jwt");
        }
        if (header.containsKey("crit")) {
            throw new IOException("the status list has critical header parameters");
        }
        Object kid = header.get("kid");
        if (kid != null && !(kid instanceof String)) {
            throw new IOException("the status list's kid is not a string");
        }
        VerifierKey key;
        try {
            key = keys.key((String) kid, algorithm);
        } catch (TokenRejectedException e) {
            throw new IOException("the status list's key: " + e.getMessage());
        }
        if (!key.verify(compact.substring(0, dot2).getBytes(StandardCharsets.ISO_8859_1), compact.substring(dot2 + 1))) {
            throw new IOException("the status list's signature is invalid");
        }
        Map<String, Object> claims = json(compact.substring(dot1 + 1, dot2), "payload");
        if (!issuer.equals(claims.get("iss"))) {
            throw new IOException("the status list's iss is not " + issuer);
        }
        if (!uri.equals(claims.get("sub"))) {
            throw new IOException("the status list's sub is not the uri it was fetched from");
        }
        Long iat = seconds(claims.get("iat"), "iat");
        if (iat == null) {
            throw new IOException("the status list has no iat");
        }
        Long exp = seconds(claims.get("exp"), "exp");
        Instant expiresAt = exp == null ? null : Instant.ofEpochSecond(exp);
        if (expiresAt != null && !now.isBefore(expiresAt.plus(clockSkew))) {
            throw new IOException("the status list expired at " + expiresAt);
        }
        Long ttlSeconds = seconds(claims.get("ttl"), "ttl");
        if (ttlSeconds != null && ttlSeconds == 0) {
            throw new IOException("the status list's ttl is not positive");
        }
        Duration ttl = ttlSeconds == null ? null : Duration.ofSeconds(ttlSeconds);
        Instant issuedAt = Instant.ofEpochSecond(iat);
        if (!(claims.get("status_list") instanceof Map<?, ?> statusList)
                || !(statusList.get("bits") instanceof Long bits) || !(statusList.get("lst") instanceof String lst)) {
            throw new IOException("the status list has no status_list object with integer bits and string lst");
        }
        return new Verified(StatusList.decode(bits, lst, maxListBytes), issuedAt, expiresAt, ttl);
    }

    private static Map<String, Object> json(String part, String name) throws IOException {
        try {
            return JsonObjectReader.parseObject(new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new IOException("the status list's " + name + " is not base64url-encoded JSON");
        }
    }

    /** @return a NumericDate or a ttl as whole seconds, null when absent */
    private static Long seconds(Object value, String name) throws IOException {
        if (value == null) {
            return null;
        }
        if (!(value instanceof Number n) || !(n.doubleValue() >= 0 && n.doubleValue() < 1e14)) {
            throw new IOException("the status list's " + name + " is not a non-negative number");
        }
        return (long) Math.floor(n.doubleValue());
    }
}
