package dev.keymint.sdk.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one JSON object (RFC 8259) into maps, lists, strings, {@code Long}s (integers that fit),
 * {@code Double}s (other numbers), {@code Boolean}s and nulls, all unmodifiable.
 *
 * <p>Why not the JSON library nimbus ships ({@code JSONObjectUtils.parse}): parsing the payload
 * is, after the signature, the largest cost of verification that the SDK controls, and most of it
 * is allocation (a 2 KB reader buffer per parse among others). This reader works on the decoded
 * string in place: on a typical token payload it parses 2.3 times as many per second and
 * allocates half as much (2.7 KB against 5.7 KB), about 2 µs of a 30 µs RS256 verification
 * ({@code resource-sdk/bench.sh json}, docs/sdk-json-reader.md). For one JSON dialect in the
 * SDK it also reads the issuer's metadata and JWKS.
 *
 * <p>It is strict: duplicate member names (RFC 7519 §4 allows rejecting them), trailing content,
 * control characters in strings, leading zeros, and nesting deeper than {@value #MAX_DEPTH} are
 * errors.
 */
public final class JsonObjectReader {

    private static final int MAX_DEPTH = 16;

    private final String text;
    private int position;

    private JsonObjectReader(String text) {
        this.text = text;
    }

    /** @throws IllegalArgumentException if {@code json} is not exactly one JSON object */
    public static Map<String, Object> parseObject(String json) {
        JsonObjectReader reader = new JsonObjectReader(json);
        reader.skipWhitespace();
        if (reader.peek() != '{') {
            throw reader.error("expected an object");
        }
        Map<String, Object> object = reader.object(1);
        reader.skipWhitespace();
        if (reader.position != json.length()) {
            throw reader.error("unexpected content after the object");
        }
        return object;
    }

    private Object value(int depth) {
        skipWhitespace();
        char c = peek();
        return switch (c) {
            case '{' -> object(depth + 1);
            case '[' -> array(depth + 1);
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    yield number();
                }
                throw error("unexpected character");
            }
        };
    }

    private Map<String, Object> object(int depth) {
        checkDepth(depth);
        position++; // {
        Map<String, Object> members = new LinkedHashMap<>();
        skipWhitespace();
        if (peek() == '}') {
            position++;
            return Collections.unmodifiableMap(members);
        }
        while (true) {
            skipWhitespace();
            if (peek() != '"') {
                throw error("expected a member name");
            }
            String name = string();
            skipWhitespace();
            expect(':');
            if (members.containsKey(name)) {
                throw error("duplicate member name");
            }
            members.put(name, value(depth));
            skipWhitespace();
            char c = next();
            if (c == '}') {
                return Collections.unmodifiableMap(members);
            }
            if (c != ',') {
                throw error("expected ',' or '}'");
            }
        }
    }

    private List<Object> array(int depth) {
        checkDepth(depth);
        position++; // [
        List<Object> elements = new ArrayList<>();
        skipWhitespace();
        if (peek() == ']') {
            position++;
            return Collections.unmodifiableList(elements);
        }
        while (true) {
            elements.add(value(depth));
            skipWhitespace();
            char c = next();
            if (c == ']') {
                return Collections.unmodifiableList(elements);
            }
            if (c != ',') {
                throw error("expected ',' or ']'");
            }
        }
    }

    private String string() {
        position++; // opening quote
        int start = position;
        StringBuilder escaped = null;
        while (true) {
            char c = next();
            if (c == '"') {
                return escaped == null ? text.substring(start, position - 1) : escaped.toString();
            }
            if (c < 0x20) {
                throw error("control character in a string");
            }
            if (c == '\\') {
                if (escaped == null) {
                    escaped = new StringBuilder(text.length() - start).append(text, start, position - 1);
                }
                escaped.append(escape());
            } else if (escaped != null) {
                escaped.append(c);
            }
        }
    }

    private char escape() {
        char c = next();
        return switch (c) {
            case '"', '\\', '/' -> c;
            case 'b' -> '\b';
            case 'f' -> '\f';
            case 'n' -> '\n';
            case 'r' -> '\r';
            case 't' -> '\t';
            case 'u' -> {
                if (position + 4 > text.length()) {
                    throw error("truncated \\u escape");
                }
                int code = 0;
                for (int i = 0; i < 4; i++) {
                    char hex = text.charAt(position++);
                    // RFC 8259's HEXDIG is ASCII; Character.digit also takes fullwidth and other scripts' digits.
                    int digit = hex < 0x80 ? Character.digit(hex, 16) : -1;
                    if (digit < 0) {
                        throw error("bad \\u escape");
                    }
                    code = code * 16 + digit;
                }
                yield (char) code;
            }
            default -> throw error("bad escape");
        };
    }

    private Object number() {
        int start = position;
        if (peek() == '-') {
            position++;
        }
        if (peek() == '0') {
            position++;
        } else if (!digits()) {
            throw error("bad number");
        }
        boolean integer = true;
        if (peek() == '.') {
            position++;
            integer = false;
            if (!digits()) {
                throw error("bad number");
            }
        }
        if (peek() == 'e' || peek() == 'E') {
            position++;
            integer = false;
            if (peek() == '+' || peek() == '-') {
                position++;
            }
            if (!digits()) {
                throw error("bad number");
            }
        }
        String literal = text.substring(start, position);
        if (integer) {
            try {
                return Long.parseLong(literal);
            } catch (NumberFormatException tooLarge) {
                // falls through to a double, as for any other number
            }
        }
        return Double.parseDouble(literal);
    }

    private boolean digits() {
        int start = position;
        while (position < text.length() && text.charAt(position) >= '0' && text.charAt(position) <= '9') {
            position++;
        }
        return position > start;
    }

    private Object literal(String word, Object value) {
        if (!text.startsWith(word, position)) {
            throw error("unexpected character");
        }
        position += word.length();
        return value;
    }

    private void checkDepth(int depth) {
        if (depth > MAX_DEPTH) {
            throw error("nested deeper than " + MAX_DEPTH);
        }
    }

    private void skipWhitespace() {
        while (position < text.length()) {
            char c = text.charAt(position);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            position++;
        }
    }

    private void expect(char expected) {
        if (next() != expected) {
            throw error("expected '" + expected + "'");
        }
    }

    private char peek() {
        return position < text.length() ? text.charAt(position) : '\0';
    }

    private char next() {
        if (position >= text.length()) {
            throw error("unexpected end");
        }
        return text.charAt(position++);
    }

    private IllegalArgumentException error(String problem) {
        return new IllegalArgumentException(problem + " at offset " + position);
    }
}
