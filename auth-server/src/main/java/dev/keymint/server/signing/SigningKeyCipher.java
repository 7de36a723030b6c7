package dev.keymint.server.signing;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * AES-256-GCM encryption of private signing keys, with the kid as associated data so that a
 * ciphertext cannot be moved to another row. Layout: version (1 byte) | IV (12) | ciphertext+tag.
 *
 * <p>Encrypts under the current master key; decrypts with the current one or, during a master-key
 * rotation, with a previous one, and says which, so the caller can re-encrypt.
 */
final class SigningKeyCipher {

    private static final byte VERSION = 1;
    private static final int IV_LENGTH = 12;
    private static final int TAG_BITS = 128;

    private final SecretKey current;
    private final List<SecretKey> previous;
    private final SecureRandom random = new SecureRandom();

    SigningKeyCipher(SecretKey current, List<SecretKey> previous) {
        this.current = current;
        this.previous = List.copyOf(previous);
    }

    byte[] encrypt(String kid, byte[] plaintext) {
        byte[] iv = new byte[IV_LENGTH];
        random.nextBytes(iv);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, current, new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(kid.getBytes(StandardCharsets.UTF_8));
            byte[] ciphertext = cipher.doFinal(plaintext);
            return ByteBuffer.allocate(1 + IV_LENGTH + ciphertext.length).put(VERSION).put(iv).put(ciphertext).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
    }

    /** @throws WrongMasterKeyException when no configured master key opens the ciphertext */
    Decrypted decrypt(String kid, byte[] stored) {
        if (stored.length < 1 + IV_LENGTH + TAG_BITS / 8 || stored[0] != VERSION) {
            throw new WrongMasterKeyException("Signing key " + kid + " has an unknown encryption format");
        }
        List<SecretKey> candidates = new ArrayList<>(previous.size() + 1);
        candidates.add(current);
        candidates.addAll(previous);
        for (SecretKey candidate : candidates) {
            try {
                Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
                cipher.init(Cipher.DECRYPT_MODE, candidate, new GCMParameterSpec(TAG_BITS, stored, 1, IV_LENGTH));
                cipher.updateAAD(kid.getBytes(StandardCharsets.UTF_8));
                byte[] plaintext = cipher.doFinal(stored, 1 + IV_LENGTH, stored.length - 1 - IV_LENGTH);
                return new Decrypted(plaintext, candidate == current);
            } catch (AEADBadTagException wrongKey) {
                // try the next configured master key
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES-GCM decryption failed", e);
            }
        }
        throw new WrongMasterKeyException("The master key does not decrypt signing key " + kid
                + ": KEYMINT_MASTER_KEY is not the key these signing keys were encrypted with"
                + (previous.isEmpty() ? "" : ", nor is any of KEYMINT_PREVIOUS_MASTER_KEYS"));
    }

    /** A private key in clear, and whether it was encrypted under the current master key. */
    record Decrypted(byte[] plaintext, boolean underCurrentMasterKey) {
    }

    /** The configured master keys cannot open the stored signing keys; the server must not start. */
    static final class WrongMasterKeyException extends IllegalStateException {
        WrongMasterKeyException(String message) {
            super(message);
        }
    }
}
