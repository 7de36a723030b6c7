package dev.keymint.sdk.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Differential fuzz test of the SDK's JSON reader, which parses every token header and payload
 * before and after the signature check: on any text it must agree with Jackson, configured as
 * strictly (duplicate names and trailing content rejected), on whether the text is one JSON
 * object and on every value. The one intended difference: nesting deeper than the reader's limit.
 */
class JsonObjectReaderFuzzTest {

    private static final int READER_MAX_DEPTH = 16;

    private static final JsonMapper STRICT = JsonMapper.builder(JsonFactory.builder()
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    // Jackson's defensive size limits are not JSON syntax; the reader has none but the token length.
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNumberLength(Integer.MAX_VALUE).maxStringLength(Integer.MAX_VALUE).build())
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    @FuzzTest(maxDuration = "5m")
    void agreesWithJackson(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        Map<String, Object> ours;
        try {
            ours = JsonObjectReader.parseObject(text);
        } catch (IllegalArgumentException rejected) {
            ours = null;
        }
        JsonNode theirs;
        try {
            theirs = STRICT.readTree(text);
        } catch (JacksonException rejected) {
            theirs = null;
        }
        if (theirs == null || !theirs.isObject()) {
            assertThat(ours).as("accepted what Jackson rejects: %s", text).isNull();
            return;
        }
        if (ours == null) {
            assertThat(depth(theirs)).as("rejected what Jackson accepts: %s", text).isGreaterThan(READER_MAX_DEPTH);
            return;
        }
        assertThat(ours).as("values of %s", text).isEqualTo(plain(theirs));
    }

    /** Jackson's tree as the reader's types: Long for integers that fit, Double for other numbers. */
    private static Object plain(JsonNode node) {
        if (node.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            node.properties().forEach(member -> map.put(member.getKey(), plain(member.getValue())));
            return Collections.unmodifiableMap(map);
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>();
            node.values().forEach(element -> list.add(plain(element)));
            return list;
        }
        if (node.isString()) {
            return node.asString();
        }
        if (node.isIntegralNumber()) {
            return node.canConvertToLong() ? (Object) node.asLong() : (Object) node.bigIntegerValue().doubleValue();
        }
        if (node.isNumber()) {
            return node.doubleValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        return null;
    }

    private static int depth(JsonNode node) {
        int deepest = 0;
        for (JsonNode child : node.values()) {
            deepest = Math.max(deepest, depth(child));
        }
        return node.isContainer() ? deepest + 1 : 0;
    }
}
