package dev.keymint.server.keys;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Fuzz tests of the API key format, the gate every token request's client_secret passes before
 * the database: it never throws, yields a public id only for exactly the key
 * {@link ApiKeyFormat#format} would write, gives every formatted key back its id, and refuses any
 * one-character typo.
 */
class ApiKeyFormatFuzzTest {

    private static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final int SECRET_START = ApiKeyFormat.PREFIX.length() + ApiKeyFormat.ID_LENGTH + 1;

    @FuzzTest(maxDuration = "5m")
    void publicIdOnlyForWellFormedKeys(byte[] input) {
        String candidate = new String(input, StandardCharsets.UTF_8);
        Optional<String> id = ApiKeyFormat.publicId(candidate);
        if (id.isPresent()) {
            String secret = candidate.substring(SECRET_START, ApiKeyFormat.LENGTH - ApiKeyFormat.CHECKSUM_LENGTH);
            assertThat(ApiKeyFormat.format(id.get(), secret)).isEqualTo(candidate);
        }
    }

    /**
     * Input bytes choose the id and secret (as base62 digits), then a position and a replacement
     * character for a typo.
     */
    @FuzzTest(maxDuration = "5m")
    void formattedKeyGivesBackItsIdAndRefusesTypos(byte[] input) {
        int[] next = {0};
        String id = base62(input, next, ApiKeyFormat.ID_LENGTH);
        String secret = base62(input, next, ApiKeyFormat.SECRET_LENGTH);
        String key = ApiKeyFormat.format(id, secret);
        assertThat(ApiKeyFormat.publicId(key)).contains(id);
        assertThat(ApiKeyFormat.matches(key, ApiKeyFormat.digest(key))).isTrue();

        int position = Math.floorMod(take(input, next) << 8 | take(input, next), key.length());
        char replacement = (char) (take(input, next) << 8 | take(input, next));
        if (replacement != key.charAt(position)) {
            String typo = key.substring(0, position) + replacement + key.substring(position + 1);
            assertThat(ApiKeyFormat.publicId(typo)).as("typo at %d: %s", position, typo).isEmpty();
        }
    }

    private static String base62(byte[] input, int[] next, int length) {
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append(BASE62.charAt(take(input, next) % BASE62.length()));
        }
        return out.toString();
    }

    /** The next input byte (0..255), or 0 once the input is used up. */
    private static int take(byte[] input, int[] next) {
        return next[0] < input.length ? input[next[0]++] & 0xff : 0;
    }
}
