package dev.keymint.sdk;

/**
 * The JWS algorithms a {@link TokenVerifier} can be configured to accept. {@code none} and the
 * HMAC algorithms are deliberately absent: a verifier holding only public keys must never
 * accept them.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7518#section-3.1">RFC 7518 §3.1 "alg" Values for JWS</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8037#section-3.1">RFC 8037 §3.1 EdDSA Signatures</a>
 */
public enum SignatureAlgorithm {
    /** RSASSA-PKCS1-v1_5 with SHA-256 (RSA keys of at least 2048 bits). The default. */
    RS256,
    /** ECDSA with P-256 and SHA-256. */
    ES256,
    /** EdDSA with Ed25519 (verified with the JDK's Ed25519 provider). */
    EdDSA;

    /** @return the JWS {@code alg} header value */
    public String jwsName() {
        return name();
    }

    static SignatureAlgorithm fromJwsName(String alg) {
        return switch (alg) {
            case "RS256" -> RS256;
            case "ES256" -> ES256;
            case "EdDSA", "Ed25519" -> EdDSA;
            default -> null;
        };
    }
}
