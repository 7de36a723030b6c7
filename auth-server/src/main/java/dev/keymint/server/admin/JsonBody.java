package dev.keymint.server.admin;

import dev.keymint.sdk.Scope;
import dev.keymint.server.keys.Budget;
import dev.keymint.server.keys.Quota;
import dev.keymint.server.network.CidrRange;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A strictly read JSON object request body: at most {@link #MAX_BYTES}, no duplicate members, no
 * unknown fields, every field of the right type and size. Field errors are collected and thrown
 * together as one 400 problem by {@link #done()}. Not thread-safe; one per request.
 */
final class JsonBody {

    static final int MAX_BYTES = 64 * 1024;
    static final int MAX_TEXT = 200;
    static final int MAX_LIST = 100;

    private final JsonNode root;
    private final List<Map<String, String>> errors = new ArrayList<>();

    private JsonBody(JsonNode root, Set<String> allowed) {
        this.root = root;
        for (Iterator<String> names = root.propertyNames().iterator(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                error(name.length() > 60 ? name.substring(0, 60) + "…" : name, "unknown field");
            }
        }
    }

    static JsonBody read(HttpServletRequest request, JsonMapper json, Set<String> allowed) {
        return read(request, json, allowed, MAX_BYTES);
    }

    /** As {@link #read(HttpServletRequest, JsonMapper, Set)}, for an endpoint whose bodies may be up to {@code maxBytes}. */
    static JsonBody read(HttpServletRequest request, JsonMapper json, Set<String> allowed, int maxBytes) {
        String type = request.getContentType();
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            throw AdminProblem.badRequest("The body must be JSON (Content-Type: application/json)");
        }
        if (request.getContentLengthLong() > maxBytes) {
            throw AdminProblem.tooLarge("The body must be at most " + maxBytes + " bytes");
        }
        byte[] bytes;
        try (InputStream in = request.getInputStream()) {
            bytes = in.readNBytes(maxBytes + 1);
        } catch (IOException e) {
            throw AdminProblem.badRequest("The body could not be read");
        }
        if (bytes.length > maxBytes) {
            throw AdminProblem.tooLarge("The body must be at most " + maxBytes + " bytes");
        }
        JsonNode root;
        try {
            root = json.reader().with(StreamReadFeature.STRICT_DUPLICATE_DETECTION).readTree(bytes);
        } catch (JacksonException e) {
            throw AdminProblem.badRequest("The body is not well-formed JSON" + duplicate(e));
        }
        if (root == null || !root.isObject()) {
            throw AdminProblem.badRequest("The body must be a JSON object");
        }
        return new JsonBody(root, allowed);
    }

    /**
     * Names the member a body repeats: RFC 8259 leaves the meaning of {@code {"name":"a","name":"b"}}
     * to the reader, and a reader that keeps the last one lets two parsers (a proxy's, ours) see
     * different requests.
     */
    private static String duplicate(JacksonException e) {
        if (e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Duplicate")
                && e.processor() instanceof JsonParser parser && parser.currentName() != null) {
            String name = parser.currentName();
            return ": duplicate member \"" + (name.length() > 60 ? name.substring(0, 60) + "…" : name) + "\"";
        }
        return "";
    }

    /** The member as parsed, or null when absent: for bodies with nested structure a caller checks itself. */
    JsonNode node(String field) {
        return root.get(field);
    }

    boolean has(String field) {
        return root.has(field);
    }

    boolean isNull(String field) {
        return root.has(field) && root.get(field).isNull();
    }

    /** A string of 1..{@value #MAX_TEXT} printable characters, or null when absent or null. */
    String text(String field, boolean required) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            if (required) {
                error(field, "is required");
            }
            return null;
        }
        if (!node.isString()) {
            error(field, "must be a string");
            return null;
        }
        String value = node.asString().strip();
        if (value.isEmpty() || value.length() > MAX_TEXT) {
            error(field, "must be 1-" + MAX_TEXT + " characters");
            return null;
        }
        if (value.codePoints().anyMatch(Character::isISOControl)) {
            error(field, "must not contain control characters");
            return null;
        }
        // JSON may escape half of a surrogate pair ("\ud800"); PostgreSQL would store it as "?".
        if (value.codePoints().anyMatch(codePoint -> Character.getType(codePoint) == Character.SURROGATE)) {
            error(field, "must be valid Unicode (no unpaired surrogate)");
            return null;
        }
        return value;
    }

    /** Valid, de-duplicated scopes in canonical form, or null when absent or invalid. */
    List<Scope> scopes(String field) {
        List<String> texts = strings(field, 1, Scope.MAX_LENGTH);
        if (texts == null) {
            return null;
        }
        if (texts.isEmpty()) {
            error(field, "must hold at least one scope");
            return null;
        }
        return distinctParsed(field, texts, Scope::parse, "invalid scope: ");
    }

    /** CIDR ranges (an empty list means anywhere), or null when absent, null or invalid. */
    List<CidrRange> cidrs(String field) {
        List<String> texts = strings(field, 1, 50);
        if (texts == null) {
            return null;
        }
        return distinctParsed(field, texts, CidrRange::parse, "");
    }

    /**
     * Each text parsed, in order, duplicates dropped; a text the parser rejects (with an
     * IllegalArgumentException, as Scope and CidrRange do) is reported at {@code field[i]}.
     */
    private <T> List<T> distinctParsed(String field, List<String> texts, Function<String, T> parser, String problem) {
        List<T> parsed = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            try {
                T value = parser.apply(texts.get(i));
                if (!parsed.contains(value)) {
                    parsed.add(value);
                }
            } catch (IllegalArgumentException e) {
                error(field + "[" + i + "]", problem + e.getMessage());
            }
        }
        return parsed;
    }

    /** A future RFC 3339 instant, or null when absent, null or invalid. */
    Instant futureInstant(String field, Instant now) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isString() || node.asString().length() > 40) {
            error(field, "must be an RFC 3339 date-time string, e.g. 2030-01-31T00:00:00Z");
            return null;
        }
        try {
            Instant instant = java.time.OffsetDateTime.parse(node.asString()).toInstant();
            if (!instant.isAfter(now)) {
                error(field, "must be in the future");
                return null;
            }
            if (instant.isAfter(now.plus(java.time.Duration.ofDays(3660)))) {
                error(field, "must be within 10 years");
                return null;
            }
            return instant;
        } catch (DateTimeParseException e) {
            error(field, "must be an RFC 3339 date-time string, e.g. 2030-01-31T00:00:00Z");
            return null;
        }
    }

    /** An integer in {@code [min, max]}, or null when absent, null or invalid. */
    Long integer(String field, long min, long max) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong() || node.asLong() < min || node.asLong() > max) {
            error(field, "must be an integer from " + min + " to " + max);
            return null;
        }
        return node.asLong();
    }

    /** {@code {"limit": n, "period": "day"|"week"|"month"}}, or null when absent, null or invalid. */
    Quota quota(String field) {
        return limitAndPeriod(field, Quota.MAX_LIMIT, "day, week or month", Quota.Period::of, Quota::new);
    }

    /**
     * {@code {"limit": n, "period": "day"|"week"|"month"|"none"}} with n from 1 to {@code max}, or
     * null when absent, null or invalid.
     */
    Budget budget(String field, long max) {
        return limitAndPeriod(field, max, "day, week, month or none", Budget::period, Budget::new);
    }

    /**
     * The shape quotas and budgets share, {@code {"limit": n, "period": p}} with n from 1 to
     * {@code max}, reporting every field error; null when absent, null or invalid.
     *
     * @param period parses a period name, throwing {@link IllegalArgumentException} for an unknown one
     */
    private <T> T limitAndPeriod(String field, long max, String periods, Function<String, Quota.Period> period,
                                 BiFunction<Long, Quota.Period, T> make) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            error(field, "must be an object {\"limit\": n, \"period\": " + periods + "}");
            return null;
        }
        for (Iterator<String> names = node.propertyNames().iterator(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals("limit") && !name.equals("period")) {
                error(field + "." + (name.length() > 60 ? name.substring(0, 60) : name), "unknown field");
            }
        }
        JsonNode limit = node.get("limit");
        boolean ok = true;
        if (limit == null || !limit.isIntegralNumber() || !limit.canConvertToLong() || limit.asLong() < 1
                || limit.asLong() > max) {
            error(field + ".limit", "must be an integer from 1 to " + max);
            ok = false;
        }
        JsonNode name = node.get("period");
        Quota.Period parsed = null;
        try {
            if (name == null || !name.isString()) {
                throw new IllegalArgumentException();
            }
            parsed = period.apply(name.asString());
        } catch (IllegalArgumentException e) {
            error(field + ".period", "must be " + periods);
            ok = false;
        }
        return ok ? make.apply(limit.asLong(), parsed) : null;
    }

    void error(String field, String message) {
        Map<String, String> error = new LinkedHashMap<>();
        error.put("field", field);
        error.put("message", message);
        errors.add(error);
    }

    /** @throws AdminProblem 400 listing every field error, if there were any */
    void done() {
        if (!errors.isEmpty()) {
            throw AdminProblem.invalid(errors);
        }
    }

    private List<String> strings(String field, int minLength, int maxLength) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isArray()) {
            error(field, "must be an array of strings");
            return null;
        }
        if (node.size() > MAX_LIST) {
            error(field, "must have at most " + MAX_LIST + " entries");
            return null;
        }
        List<String> values = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode item = node.get(i);
            if (!item.isString() || item.asString().length() < minLength || item.asString().length() > maxLength) {
                error(field + "[" + i + "]", "must be a string of " + minLength + "-" + maxLength + " characters");
                return null;
            }
            values.add(item.asString());
        }
        return values;
    }
}
