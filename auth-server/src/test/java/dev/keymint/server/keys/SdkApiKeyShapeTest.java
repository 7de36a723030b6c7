package dev.keymint.server.keys;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keymint.sdk.internal.ApiKeyShape;
import org.junit.jupiter.api.Test;

/**
 * The resource SDK recognises API keys without depending on the server; this pins its copy of the
 * format to {@link ApiKeyFormat}: every key the server generates is recognised with its id, and
 * every one-character change the server refuses the SDK refuses too (so a typo never leaves the
 * resource server).
 */
class SdkApiKeyShapeTest {

    private static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    @Test
    void sdkRecognisesEveryGeneratedKeyWithItsClientId() {
        for (int i = 0; i < 2_000; i++) {
            ApiKeyFormat.NewApiKey key = ApiKeyFormat.generate();

            assertThat(ApiKeyShape.clientId(key.apiKey())).isEqualTo(key.id());
        }
    }

    @Test
    void sdkAndServerAgreeOnEveryOneCharacterChangeOfAGeneratedKey() {
        String key = ApiKeyFormat.generate().apiKey();
        for (int position = 0; position < key.length(); position++) {
            for (char c : (BASE62 + "_-.").toCharArray()) {
                String changed = key.substring(0, position) + c + key.substring(position + 1);

                assertThat(ApiKeyShape.clientId(changed)).as(changed)
                        .isEqualTo(ApiKeyFormat.publicId(changed).orElse(null));
            }
        }
        assertThat(ApiKeyShape.clientId(key.substring(1))).isNull();
        assertThat(ApiKeyShape.clientId(key + "0")).isNull();
        assertThat(ApiKeyShape.clientId(null)).isNull();
    }
}
