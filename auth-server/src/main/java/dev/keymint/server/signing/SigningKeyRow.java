package dev.keymint.server.signing;

import java.time.Instant;

/** One row of {@code signing_keys}. */
record SigningKeyRow(String kid, String algorithm, SigningKeyState state, String publicJwk,
                     byte[] privateKeyCiphertext, Instant createdAt, Instant activatedAt, Instant retiredAt) {
}
