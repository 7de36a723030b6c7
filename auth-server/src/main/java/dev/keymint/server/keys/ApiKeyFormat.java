package dev.keymint.server.keys;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * The shape of a Keymint API key: {@code kmk_<public id>_<secret><checksum>}, for example
 * {@code kmk_4mD0vY2nQ8bL1xKe_Jw3…}.
 *
 * <ul>
 *   <li>{@code kmk_} makes leaked keys easy for secret scanners to find (as GitHub's {@code ghp_}).
 *   <li>The public id (16 base62 characters) is the OAuth {@code client_id} and the primary key.
 *   <li>The secret is 32 base62 characters from {@link SecureRandom}: about 190 bits.
 *   <li>The checksum, 6 base62 characters of the CRC-32 of everything before it, rejects typos
 *       and random strings without touching the database.
 * </ul>
 *
 * <p>Because the secret is high-entropy, a fast digest (SHA-256) is the right way to store it; a
 * slow password hash would cap the token endpoint at a few dozen requests per second for no gain.
 */
public final class ApiKeyFormat {

    public static final String PREFIX = "kmk_";
    static final int ID_LENGTH = 16;
    static final int SECRET_LENGTH = 32;
    static final int CHECKSUM_LENGTH = 6;
    /** prefix + id + '_' + secret + checksum */
    public static final int LENGTH = PREFIX.length() + ID_LENGTH + 1 + SECRET_LENGTH + CHECKSUM_LENGTH;

    private static final char[] BASE62 =
            "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private ApiKeyFormat() {
    }

    /** A new key; the caller shows {@link NewApiKey#apiKey()} once and stores only the digest. */
    public static NewApiKey generate() {
        return generateFor(randomBase62(ID_LENGTH));
    }

    /** A new secret for the key with this public id (a reroll): same id, so same client_id. */
    static NewApiKey generateFor(String id) {
        String apiKey = format(id, randomBase62(SECRET_LENGTH));
        return new NewApiKey(id, apiKey, digest(apiKey));
    }

    static String format(String id, String secret) {
        String body = PREFIX + id + "_" + secret;
        return body + checksum(body);
    }

    /**
     * The public id of a well-formed key whose checksum holds, or empty for anything else.
     * Does no I/O: this is the gate in front of the database.
     */
    public static Optional<String> publicId(String candidate) {
        if (candidate == null || candidate.length() != LENGTH || !candidate.startsWith(PREFIX)) {
            return Optional.empty();
        }
        int separator = PREFIX.length() + ID_LENGTH;
        if (candidate.charAt(separator) != '_') {
            return Optional.empty();
        }
        for (int i = PREFIX.length(); i < LENGTH; i++) {
            if (i != separator && !isBase62(candidate.charAt(i))) {
                return Optional.empty();
            }
        }
        String body = candidate.substring(0, LENGTH - CHECKSUM_LENGTH);
        if (!checksum(body).equals(candidate.substring(LENGTH - CHECKSUM_LENGTH))) {
            return Optional.empty();
        }
        return Optional.of(candidate.substring(PREFIX.length(), separator));
    }

    /** Whether the text has the shape of a key's public id (the client_id): says nothing of whether such a key exists. */
    public static boolean isPublicId(String candidate) {
        if (candidate == null || candidate.length() != ID_LENGTH) {
            return false;
        }
        for (int i = 0; i < ID_LENGTH; i++) {
            if (!isBase62(candidate.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * What the database stores in place of the key: SHA-256 of its UTF-8 bytes (a Keymint key is
     * ASCII, so of its ASCII bytes; an imported key may be any text).
     */
    public static byte[] digest(String apiKey) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(apiKey.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime has SHA-256", e);
        }
    }

    /** Constant-time comparison of a presented key with a stored digest. */
    public static boolean matches(String apiKey, byte[] storedDigest) {
        return MessageDigest.isEqual(digest(apiKey), storedDigest);
    }

    /** The key as lists may show it: prefix and public id, never the secret. */
    public static String masked(String publicId) {
        return PREFIX + publicId + "_…";
    }

    private static String checksum(String body) {
        CRC32 crc = new CRC32();
        crc.update(body.getBytes(StandardCharsets.US_ASCII));
        long value = crc.getValue();
        char[] out = new char[CHECKSUM_LENGTH];
        for (int i = CHECKSUM_LENGTH - 1; i >= 0; i--) {
            out[i] = BASE62[(int) (value % 62)];
            value /= 62;
        }
        return new String(out);
    }

    private static String randomBase62(int length) {
        char[] out = new char[length];
        for (int i = 0; i < length; i++) {
            out[i] = BASE62[RANDOM.nextInt(BASE62.length)];
        }
        return new String(out);
    }

    private static boolean isBase62(char c) {
        return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    }

    /**
     * A freshly generated key.
     *
     * @param id     the public id (client_id)
     * @param apiKey the full key, to be shown once and never stored
     * @param digest what is stored
     */
    public record NewApiKey(String id, String apiKey, byte[] digest) {

        @Override
        public String toString() {
            return "NewApiKey[id=" + id + ", apiKey=<redacted>]";
        }
    }
}
