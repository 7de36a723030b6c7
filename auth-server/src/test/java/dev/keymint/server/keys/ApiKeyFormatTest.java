package dev.keymint.server.keys;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keymint.server.keys.ApiKeyFormat.NewApiKey;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ApiKeyFormatTest {

    @Test
    void generatedKeyHasPrefixIdAndValidChecksum() {
        NewApiKey key = ApiKeyFormat.generate();

        assertThat(key.apiKey()).startsWith("kmk_" + key.id() + "_").hasSize(ApiKeyFormat.LENGTH);
        assertThat(ApiKeyFormat.publicId(key.apiKey())).contains(key.id());
        assertThat(ApiKeyFormat.matches(key.apiKey(), key.digest())).isTrue();
        assertThat(key.toString()).doesNotContain(key.apiKey());
    }

    @Test
    void publicIdWhenAnySingleCharacterChangedThenRejected() {
        String key = ApiKeyFormat.generate().apiKey();
        for (int i = 0; i < key.length(); i++) {
            char replacement = key.charAt(i) == 'x' ? 'y' : 'x';
            String typo = key.substring(0, i) + replacement + key.substring(i + 1);
            assertThat(ApiKeyFormat.publicId(typo)).as("typo at %d", i).isEmpty();
        }
    }

    @Test
    void publicIdWhenNotAKeyThenRejected() {
        for (String candidate : new String[] {null, "", "kmk_", "secret", "kmk_" + "a".repeat(55),
                ApiKeyFormat.generate().apiKey() + "x", ApiKeyFormat.generate().apiKey().replace("kmk_", "kmx_")}) {
            assertThat(ApiKeyFormat.publicId(candidate)).as(String.valueOf(candidate)).isEmpty();
        }
    }

    @Test
    void wrongSecretWithValidChecksumDoesNotMatch() {
        NewApiKey key = ApiKeyFormat.generate();

        assertThat(ApiKeyFormat.matches(ApiKeyFixtures.wellFormedKeyWithWrongSecret(key.id()), key.digest())).isFalse();
    }

    @Test
    void keysAreUnique() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            assertThat(seen.add(ApiKeyFormat.generate().apiKey())).isTrue();
        }
    }
}
