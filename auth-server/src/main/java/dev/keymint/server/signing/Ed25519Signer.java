package dev.keymint.server.signing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;
import java.util.Arrays;
import java.util.Set;

/**
 * EdDSA (Ed25519) signing with the JDK's own implementation. nimbus-jose-jwt's Ed25519 signer
 * and key generator need Google Tink; the JDK has had Ed25519 since Java 15, so Keymint does not
 * pull in Tink for one algorithm.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8037">RFC 8037</a>
 */
final class Ed25519Signer implements JWSSigner {

    /** A DER SubjectPublicKeyInfo of an Ed25519 key ends with the 32 raw public-key bytes. */
    private static final int RAW_KEY_LENGTH = 32;

    private final PrivateKey privateKey;
    private final JCAContext jcaContext = new JCAContext();

    Ed25519Signer(OctetKeyPair key) throws JOSEException {
        if (!Curve.Ed25519.equals(key.getCurve()) || key.getD() == null) {
            throw new JOSEException("An Ed25519 private key is required");
        }
        try {
            this.privateKey = KeyFactory.getInstance("Ed25519").generatePrivate(
                    new EdECPrivateKeySpec(NamedParameterSpec.ED25519, key.getD().decode()));
        } catch (GeneralSecurityException e) {
            throw new JOSEException("Cannot load the Ed25519 private key", e);
        }
    }

    static OctetKeyPair generate() throws JOSEException {
        try {
            KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            byte[] encodedPublic = pair.getPublic().getEncoded();
            byte[] x = Arrays.copyOfRange(encodedPublic, encodedPublic.length - RAW_KEY_LENGTH, encodedPublic.length);
            byte[] d = ((EdECPrivateKey) pair.getPrivate()).getBytes()
                    .orElseThrow(() -> new JOSEException("The JDK did not expose the Ed25519 private key bytes"));
            return new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(x))
                    .d(Base64URL.encode(d))
                    .keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.EdDSA)
                    .keyIDFromThumbprint()
                    .build();
        } catch (GeneralSecurityException e) {
            throw new JOSEException("Cannot generate an Ed25519 key", e);
        }
    }

    @Override
    public Base64URL sign(JWSHeader header, byte[] signingInput) throws JOSEException {
        if (!JWSAlgorithm.EdDSA.equals(header.getAlgorithm())) {
            throw new JOSEException("Ed25519Signer signs only EdDSA, not " + header.getAlgorithm());
        }
        try {
            Signature signature = Signature.getInstance("Ed25519");
            signature.initSign(privateKey);
            signature.update(signingInput);
            return Base64URL.encode(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new JOSEException("Ed25519 signing failed", e);
        }
    }

    @Override
    public Set<JWSAlgorithm> supportedJWSAlgorithms() {
        return Set.of(JWSAlgorithm.EdDSA);
    }

    @Override
    public JCAContext getJCAContext() {
        return jcaContext;
    }
}
