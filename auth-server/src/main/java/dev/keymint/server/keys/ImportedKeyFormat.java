package dev.keymint.server.keys;

import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The shape of a key imported from another platform: the caller keeps its own client id and its own
 * secret, and Keymint stores the SHA-256 of the secret's UTF-8 bytes, received as 64 hex characters.
 *
 * <p>An imported client id may be any 1-64 of {@code A-Z a-z 0-9 . _ -}, starting with a letter or
 * digit, except the shape of a Keymint id (exactly 16 letters and digits). That reserved shape keeps
 * two promises: a generated id never collides with an imported one, and the token path knows from the
 * client id alone, without I/O, whether a secret that is not a well-formed Keymint key may still be an
 * imported key's, so typos against Keymint keys still never reach the database.
 */
public final class ImportedKeyFormat {

    /** Longest imported secret the token path hashes: bounds the work an unknown caller can ask for. */
    public static final int MAX_SECRET_LENGTH = 512;
    public static final String CLIENT_ID_RULE = "must be 1-64 of A-Z a-z 0-9 . _ - starting with a letter or digit,"
            + " and not 16 letters and digits (the shape of Keymint's own ids)";
    private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-fA-F]{64}");

    private ImportedKeyFormat() {
    }

    /** Whether an imported key may have this client id. */
    public static boolean isClientId(String candidate) {
        return candidate != null && CLIENT_ID.matcher(candidate).matches() && !ApiKeyFormat.isPublicId(candidate);
    }

    /** Whether the token path should look up this client id for a secret that is not a Keymint key. */
    public static boolean mayBeSecret(String clientId, String secret) {
        return isClientId(clientId) && !secret.isEmpty() && secret.length() <= MAX_SECRET_LENGTH;
    }

    /** Whether the text is a SHA-256 digest as the import takes it: 64 hex characters, either case. */
    public static boolean isSha256Hex(String candidate) {
        return candidate != null && SHA256_HEX.matcher(candidate).matches();
    }

    /** The digest's bytes, as {@code secret_hash} stores them. */
    static byte[] sha256(String hex) {
        return HexFormat.of().parseHex(hex);
    }
}
