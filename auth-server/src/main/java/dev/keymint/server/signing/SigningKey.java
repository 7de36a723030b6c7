package dev.keymint.server.signing;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSSigner;

/**
 * The key that signs tokens now: its kid, algorithm and a thread-safe signer.
 */
public record SigningKey(String kid, JWSAlgorithm algorithm, JWSSigner signer) {
}
