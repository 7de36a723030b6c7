package dev.keymint.sdk.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonObjectReaderTest {

    @Test
    void parseObjectWhenClaimsOfEveryKindThenSameValuesAsNimbus() throws Exception {
        String json = """
                { "iss":"https://auth.example.com", "exp":1767225600, "big":12345678901234567890,
                  "ratio":-1.5e3, "zero":0, "neg":-7, "ok":true, "no":false, "none":null,
                  "aud":["a","b"], "nested":{"x":[1,{"y":"z"}],"empty":{}}, "emptyList":[],
                  "text":"quote \\" backslash \\\\ slash \\/ \\b\\f\\n\\r\\t \\u00e9 \\uD83D\\uDE00 é" }
                """;

        Map<String, Object> ours = JsonObjectReader.parseObject(json);

        assertThat(ours).isEqualTo(JSONObjectUtils.parse(json));
        assertThat(ours.get("exp")).isInstanceOf(Long.class);
        assertThat(ours.get("big")).isInstanceOf(Double.class);
        assertThat(ours.get("text")).isEqualTo("quote \" backslash \\ slash / \b\f\n\r\t é \uD83D\uDE00 é");
        assertThat(ours).containsEntry("none", null);
    }

    @Test
    void parseObjectWhenParsedThenEveryLevelUnmodifiable() {
        Map<String, Object> parsed = JsonObjectReader.parseObject("{\"a\":[{\"b\":1}]}");
        @SuppressWarnings("unchecked")
        List<Object> list = (List<Object>) parsed.get("a");
        @SuppressWarnings("unchecked")
        Map<String, Object> inner = (Map<String, Object>) list.get(0);

        assertThatThrownBy(() -> parsed.put("c", 1)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> list.add(1)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> inner.put("c", 1)).isInstanceOf(UnsupportedOperationException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "[]", "\"s\"", "1", "{", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "{\"a\":1}x",
            "{\"a\":1}{}", "{a:1}", "{'a':1}", "{\"a\":01}", "{\"a\":1.}", "{\"a\":.5}", "{\"a\":-}", "{\"a\":1e}",
            "{\"a\":tru}", "{\"a\":nul}", "{\"a\":\"x}", "{\"a\":\"\\x\"}", "{\"a\":\"\\u12\"}", "{\"a\":\"\\u12zz\"}",
            "{\"a\":\"tab\there\"}", "{\"a\":1,\"a\":2}", "{\"a\":[1,]}", "{\"a\":[1 2]}", "{\"a\":NaN}",
            "{\"a\":Infinity}", "{\"a\":+1}", "{\"a\":\"\\u\uFF10\uFF10\uFF14\uFF21\"}", "{\"a\":\"\\u\u0660\u0660\u0664\u0661\"}"})
    void parseObjectWhenNotExactlyOneValidObjectThenRejected(String json) {
        assertThatThrownBy(() -> JsonObjectReader.parseObject(json)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void parseObjectWhenNestedTooDeepThenRejectedNotStackOverflow() {
        String deep = "{\"a\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}";

        assertThatThrownBy(() -> JsonObjectReader.parseObject(deep)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nested deeper");
    }

    @Test
    void parseObjectWhenRandomBytesThenOnlyIllegalArgument() {
        Random random = new Random(42);
        String alphabet = "{}[]\":,\\ tfnrule0123456789.-+eEabc";
        for (int i = 0; i < 20_000; i++) {
            StringBuilder json = new StringBuilder("{");
            for (int j = random.nextInt(24); j > 0; j--) {
                json.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            try {
                JsonObjectReader.parseObject(json.toString());
            } catch (IllegalArgumentException expected) {
                // the only way a bad document may fail
            }
        }
    }
}
