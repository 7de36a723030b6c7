package dev.keymint.server.signing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.util.Arrays;

/** The signature algorithms Keymint generates keys for. */
enum SigningAlgorithm {

    RS256(JWSAlgorithm.RS256) {
        @Override
        JWK generate() throws JOSEException {
            return new RSAKeyGenerator(2048).keyUse(KeyUse.SIGNATURE).algorithm(jwsAlgorithm)
                    .keyIDFromThumbprint(true).generate();
        }

        @Override
        JWSSigner signer(JWK key) throws JOSEException {
            return new RSASSASigner(key.toRSAKey());
        }
    },
    ES256(JWSAlgorithm.ES256) {
        @Override
        JWK generate() throws JOSEException {
            return new ECKeyGenerator(Curve.P_256).keyUse(KeyUse.SIGNATURE).algorithm(jwsAlgorithm)
                    .keyIDFromThumbprint(true).generate();
        }

        @Override
        JWSSigner signer(JWK key) throws JOSEException {
            return new ECDSASigner(key.toECKey());
        }
    },
    EdDSA(JWSAlgorithm.EdDSA) {
        @Override
        JWK generate() throws JOSEException {
            return Ed25519Signer.generate();
        }

        @Override
        JWSSigner signer(JWK key) throws JOSEException {
            return new Ed25519Signer(key.toOctetKeyPair());
        }
    };

    final JWSAlgorithm jwsAlgorithm;

    SigningAlgorithm(JWSAlgorithm jwsAlgorithm) {
        this.jwsAlgorithm = jwsAlgorithm;
    }

    abstract JWK generate() throws JOSEException;

    abstract JWSSigner signer(JWK key) throws JOSEException;

    static SigningAlgorithm of(String name) {
        return Arrays.stream(values()).filter(a -> a.name().equalsIgnoreCase(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("Unsupported signing algorithm '" + name
                        + "'; supported: " + Arrays.toString(values())));
    }
}
