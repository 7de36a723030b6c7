package dev.keymint.sdk.internal;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * The shape of a Keymint API key, {@code kmk_<client id>_<secret><checksum>}: 16 base62 characters
 * of client id, 32 of secret, and 6 base62 digits of the CRC-32 of everything before them. The SDK
 * cannot depend on the server, so this is the server's {@code ApiKeyFormat} check again, only as
 * much as the SDK needs; a test pins it against keys the server generated. Checking it costs
 * nothing, so a typo or a random string sent as a Bearer token never reaches the network. Not API.
 */
public final class ApiKeyShape {

    /** Every Keymint key starts with it: a bearer value with it is a key, never a JWT. */
    public static final String PREFIX = "kmk_";
    private static final int ID_LENGTH = 16;
    private static final int SECRET_LENGTH = 32;
    private static final int CHECKSUM_LENGTH = 6;
    private static final int LENGTH = PREFIX.length() + ID_LENGTH + 1 + SECRET_LENGTH + CHECKSUM_LENGTH;
    private static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    private ApiKeyShape() {
    }

    /** @return whether the bearer value claims to be an API key (it may still be malformed) */
    public static boolean isKeyAttempt(String bearerValue) {
        return bearerValue.startsWith(PREFIX);
    }

    /** @return the key's client id when its shape and checksum hold, else null */
    public static String clientId(String candidate) {
        if (candidate == null || candidate.length() != LENGTH || !candidate.startsWith(PREFIX)) {
            return null;
        }
        int separator = PREFIX.length() + ID_LENGTH;
        if (candidate.charAt(separator) != '_') {
            return null;
        }
        for (int i = PREFIX.length(); i < LENGTH; i++) {
            if (i != separator && BASE62.indexOf(candidate.charAt(i)) < 0) {
                return null;
            }
        }
        int body = LENGTH - CHECKSUM_LENGTH;
        return checksum(candidate.substring(0, body)).equals(candidate.substring(body))
                ? candidate.substring(PREFIX.length(), separator) : null;
    }

    private static String checksum(String body) {
        CRC32 crc = new CRC32();
        crc.update(body.getBytes(StandardCharsets.US_ASCII));
        long value = crc.getValue();
        char[] out = new char[CHECKSUM_LENGTH];
        for (int i = CHECKSUM_LENGTH - 1; i >= 0; i--) {
            out[i] = BASE62.charAt((int) (value % 62));
            value /= 62;
        }
        return new String(out);
    }
}
