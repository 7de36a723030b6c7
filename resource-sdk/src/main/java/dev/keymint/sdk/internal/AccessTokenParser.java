package dev.keymint.sdk.internal;

import dev.keymint.sdk.SignatureAlgorithm;
import dev.keymint.sdk.TokenRejectedException;
import dev.keymint.sdk.TokenRejectedException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The first half of verifying an access token, everything decided before a key is looked up: the
 * length (before any parsing), the compact JWS shape, and the protected header ({@code alg} among
 * the configured algorithms, {@code typ} {@code at+jwt}, no {@code crit}, {@code kid} a string).
 * Other header parameters ({@code jku}, {@code x5u}, {@code jwk}, {@code x5c}) are ignored: the
 * key comes only from the issuer's JWKS. The payload is decoded only on request, after the
 * signature has been checked. Thread-safe. Not API.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8725#section-3.1">RFC 8725 §3.1 Perform Algorithm Verification</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9068#section-4">RFC 9068 §4 Validating JWT Access Tokens</a>
 */
public final class AccessTokenParser {

    private static final Base64.Decoder BASE64URL = Base64.getUrlDecoder();
    private static final int HEADER_CACHE_SIZE = 64;
    /** Room for "Bearer " and surrounding blanks before the token itself is measured. */
    private static final int HEADER_ALLOWANCE = 64;

    /**
     * A token whose shape and header passed; the signature is not checked yet.
     *
     * @param token     the compact JWS, without {@code Bearer}
     * @param algorithm its accepted {@code alg}
     * @param kid       its {@code kid}, or null
     * @param dot1      the index of the dot after the header
     * @param dot2      the index of the dot before the signature
     */
    public record Parsed(String token, SignatureAlgorithm algorithm, String kid, int dot1, int dot2) {

        /** @return the ASCII bytes the signature covers ({@code header.payload}) */
        public byte[] signingInput() {
            return token.substring(0, dot2).getBytes(StandardCharsets.ISO_8859_1);
        }

        /** @return the third part, base64url */
        public String signature() {
            return token.substring(dot2 + 1);
        }

        /**
         * @return the decoded claims, unmodifiable
         * @throws TokenRejectedException {@link Reason#MALFORMED} if the payload is not base64url JSON
         */
        public Map<String, Object> claims() {
            return json(token.substring(dot1 + 1, dot2), "payload");
        }
    }

    private final Set<SignatureAlgorithm> algorithms;
    private final Function<String, SignatureAlgorithm> algorithmNames;
    private final int maxTokenLength;
    /** Every token one key signs has the same encoded header: a lookup instead of a decode and a JSON parse. */
    private final ParseMemo<Map<String, Object>> headerCache =
            new ParseMemo<>(HEADER_CACHE_SIZE, encoded -> json(encoded, "header"));

    /**
     * @param algorithms     the accepted algorithms
     * @param algorithmNames the algorithm an {@code alg} header names, null for none
     * @param maxTokenLength the longest accepted token
     */
    public AccessTokenParser(Set<SignatureAlgorithm> algorithms, Function<String, SignatureAlgorithm> algorithmNames,
                             int maxTokenLength) {
        this.algorithms = algorithms;
        this.algorithmNames = algorithmNames;
        this.maxTokenLength = maxTokenLength;
    }

    /**
     * @param bearerHeaderOrToken an {@code Authorization} header value ({@code Bearer eyJ…}) or the bare token
     * @return the token's parts and checked header
     * @throws TokenRejectedException {@link Reason#MALFORMED}, {@link Reason#TOO_LARGE},
     *                                {@link Reason#UNSUPPORTED_ALGORITHM} or {@link Reason#WRONG_TYPE}
     */
    public Parsed parse(String bearerHeaderOrToken) {
        if (bearerHeaderOrToken == null) {
            throw new TokenRejectedException(Reason.MALFORMED, "no token");
        }
        if (bearerHeaderOrToken.length() > maxTokenLength + HEADER_ALLOWANCE) {
            throw tooLarge();
        }
        String token = stripBearer(bearerHeaderOrToken);
        int length = token.length();
        if (length > maxTokenLength) {
            throw tooLarge();
        }
        if (length == 0) {
            throw new TokenRejectedException(Reason.MALFORMED, "no token");
        }
        int dot1 = -1;
        int dot2 = -1;
        for (int i = 0; i < length; i++) {
            char c = token.charAt(i);
            if (c == '.') {
                if (dot1 < 0) {
                    dot1 = i;
                } else if (dot2 < 0) {
                    dot2 = i;
                } else {
                    throw malformed("the token is not a compact JWS (too many parts)");
                }
            } else if (!isBase64Url(c)) {
                throw malformed("the token contains a character outside base64url");
            }
        }
        if (dot1 <= 0 || dot2 < 0 || dot2 == dot1 + 1 || dot2 == length - 1) {
            throw malformed("the token is not a compact JWS (header.payload.signature)");
        }

        Map<String, Object> header = headerCache.get(token.substring(0, dot1));
        SignatureAlgorithm algorithm = header.get("alg") instanceof String alg ? algorithmNames.apply(alg) : null;
        if (algorithm == null || !algorithms.contains(algorithm)) {
            throw new TokenRejectedException(Reason.UNSUPPORTED_ALGORITHM, "the token's alg is not accepted");
        }
        if (!hasType(header.get("typ"), "at+jwt")) {
            throw new TokenRejectedException(Reason.WRONG_TYPE, "the token's typ is not at+jwt");
        }
        if (header.containsKey("crit")) {
            throw malformed("the token has critical header parameters, none are supported");
        }
        Object kid = header.get("kid");
        if (kid != null && !(kid instanceof String)) {
            throw malformed("the token's kid is not a string");
        }
        return new Parsed(token, algorithm, (String) kid, dot1, dot2);
    }

    /**
     * @return whether a {@code typ} header names {@code type}, case-insensitively, with or without
     *         the {@code application/} prefix (RFC 7515 §4.1.9)
     */
    static boolean hasType(Object typ, String type) {
        if (!(typ instanceof String t)) {
            return false;
        }
        if (t.regionMatches(true, 0, "application/", 0, 12)) {
            t = t.substring(12);
        }
        return t.equalsIgnoreCase(type);
    }

    private static Map<String, Object> json(String encoded, String part) {
        byte[] bytes;
        try {
            bytes = BASE64URL.decode(encoded);
        } catch (IllegalArgumentException e) {
            throw malformed("the token's " + part + " is not base64url-encoded JSON");
        }
        try {
            return JsonObjectReader.parseObject(new String(bytes, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw malformed("the token's " + part + " is not valid JSON: " + e.getMessage());
        }
    }

    private static String stripBearer(String value) {
        String v = value.strip();
        if (v.length() > 7 && v.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return v.substring(7).strip();
        }
        return v;
    }

    private static boolean isBase64Url(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    }

    private TokenRejectedException tooLarge() {
        return new TokenRejectedException(Reason.TOO_LARGE, "the token is longer than " + maxTokenLength + " characters");
    }

    static TokenRejectedException malformed(String description) {
        return new TokenRejectedException(Reason.MALFORMED, description);
    }
}
