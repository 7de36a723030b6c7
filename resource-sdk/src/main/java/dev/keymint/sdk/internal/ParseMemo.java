package dev.keymint.sdk.internal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Remembers the result of parsing a string that recurs across tokens (the encoded header of one
 * signing key, the scope claim of one API key). Bounded: when full it starts over, so a stream of
 * distinct strings costs a re-parse, never memory. Failed parses are not remembered.
 */
final class ParseMemo<V> {

    private final int capacity;
    private final Function<String, V> parser;
    private final ConcurrentHashMap<String, V> parsed = new ConcurrentHashMap<>();

    ParseMemo(int capacity, Function<String, V> parser) {
        this.capacity = capacity;
        this.parser = parser;
    }

    V get(String text) {
        V value = parsed.get(text);
        if (value == null) {
            value = parser.apply(text);
            if (parsed.size() >= capacity) {
                parsed.clear();
            }
            parsed.put(text, value);
        }
        return value;
    }
}
