package dev.keymint.sdk.internal;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import dev.keymint.sdk.SignatureAlgorithm;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Set;

/**
 * One public key from the issuer's JWKS, ready to verify one algorithm. Built once per JWKS
 * fetch, so no verifier objects are created per verification. Thread-safe. Not API.
 */
public final class VerifierKey {

    /** Smallest accepted RSA modulus. */
    private static final int MIN_RSA_BITS = 2048;

    private static final JWSHeader RS256_HEADER = new JWSHeader(JWSAlgorithm.RS256);
    private static final JWSHeader ES256_HEADER = new JWSHeader(JWSAlgorithm.ES256);
    /** DER prefix of an X.509 SubjectPublicKeyInfo for Ed25519 (RFC 8410), followed by the 32 key bytes. */
    private static final byte[] ED25519_SPKI_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};

    private final String kid;
    private final SignatureAlgorithm algorithm;
    private final JWSVerifier jwsVerifier;
    private final PublicKey edKey;

    private VerifierKey(String kid, SignatureAlgorithm algorithm, JWSVerifier jwsVerifier, PublicKey edKey) {
        this.kid = kid;
        this.algorithm = algorithm;
        this.jwsVerifier = jwsVerifier;
        this.edKey = edKey;
    }

    /**
     * @param jwk     a key from the JWKS
     * @param allowed the configured algorithms
     * @return a verifier key, or null when the key is not usable for signatures with an allowed
     *         algorithm (encryption key, wrong curve, short RSA, {@code alg} mismatch)
     */
    public static VerifierKey from(JWK jwk, Set<SignatureAlgorithm> allowed) {
        if (jwk.getKeyUse() != null && !KeyUse.SIGNATURE.equals(jwk.getKeyUse())) {
            return null;
        }
        String keyAlg = jwk.getAlgorithm() == null ? null : jwk.getAlgorithm().getName();
        try {
            if (jwk instanceof RSAKey rsa && allowed.contains(SignatureAlgorithm.RS256) && matches(keyAlg, "RS256")) {
                var pub = rsa.toRSAPublicKey();
                if (pub.getModulus().bitLength() < MIN_RSA_BITS) {
                    return null;
                }
                return new VerifierKey(jwk.getKeyID(), SignatureAlgorithm.RS256, new RSASSAVerifier(pub), null);
            }
            if (jwk instanceof ECKey ec && allowed.contains(SignatureAlgorithm.ES256) && Curve.P_256.equals(ec.getCurve())
                    && matches(keyAlg, "ES256")) {
                return new VerifierKey(jwk.getKeyID(), SignatureAlgorithm.ES256, new ECDSAVerifier(ec.toECPublicKey()), null);
            }
            if (jwk instanceof OctetKeyPair okp && allowed.contains(SignatureAlgorithm.EdDSA)
                    && Curve.Ed25519.equals(okp.getCurve()) && (matches(keyAlg, "EdDSA") || "Ed25519".equals(keyAlg))) {
                byte[] x = okp.getX().decode();
                if (x.length != 32) {
                    return null;
                }
                byte[] spki = new byte[ED25519_SPKI_PREFIX.length + 32];
                System.arraycopy(ED25519_SPKI_PREFIX, 0, spki, 0, ED25519_SPKI_PREFIX.length);
                System.arraycopy(x, 0, spki, ED25519_SPKI_PREFIX.length, 32);
                PublicKey key = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
                return new VerifierKey(jwk.getKeyID(), SignatureAlgorithm.EdDSA, null, key);
            }
        } catch (JOSEException | GeneralSecurityException | RuntimeException e) {
            return null;
        }
        return null;
    }

    private static boolean matches(String keyAlg, String alg) {
        return keyAlg == null || keyAlg.equals(alg);
    }

    /** @return the key id, may be null */
    public String kid() {
        return kid;
    }

    /** @return the algorithm this key verifies */
    public SignatureAlgorithm algorithm() {
        return algorithm;
    }

    /**
     * @param signingInput    ASCII bytes of {@code header.payload}
     * @param signatureBase64 the third part of the compact JWS
     * @return whether the signature is valid
     */
    public boolean verify(byte[] signingInput, String signatureBase64) {
        try {
            return switch (algorithm) {
                case RS256 -> jwsVerifier.verify(RS256_HEADER, signingInput, new Base64URL(signatureBase64));
                case ES256 -> jwsVerifier.verify(ES256_HEADER, signingInput, new Base64URL(signatureBase64));
                case EdDSA -> {
                    Signature signature = Signature.getInstance("Ed25519");
                    signature.initVerify(edKey);
                    signature.update(signingInput);
                    yield signature.verify(Base64.getUrlDecoder().decode(signatureBase64));
                }
            };
        } catch (JOSEException | GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }
}
