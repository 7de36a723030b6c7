package dev.keymint.sdk;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The resource part of a Keymint scope: a {@code /}-separated pattern over resource paths.
 *
 * <h2>Syntax</h2>
 * <ul>
 *   <li>A filter is one or more segments separated by {@code /}; no empty segment (no leading,
 *       trailing or doubled {@code /}).</li>
 *   <li>A <b>literal</b> segment consists of the characters {@code A-Z a-z 0-9} and
 *       {@code - _ . ~ @ + = , %} (RFC 3986 unreserved characters plus a few sub-delimiters
 *       and {@code %} for percent-encoded values). It matches exactly itself (case-sensitive).</li>
 *   <li>{@code *} as a whole segment matches exactly one segment.</li>
 *   <li>{@code **} is allowed only as the last segment and matches zero or more segments.</li>
 *   <li>The filter {@code *} on its own means every resource; it is equivalent to {@code **}
 *       (each covers the other) but keeps its own spelling in {@link #toString()}.</li>
 *   <li>A segment may not mix {@code *} with other characters ({@code a*} is rejected), and
 *       whitespace, control characters, {@code :} and other characters are rejected.</li>
 *   <li>At most {@value #MAX_LENGTH} characters and {@value #MAX_SEGMENTS} segments.</li>
 * </ul>
 *
 * <h2>Resource paths</h2>
 * A resource path (the argument of {@link #matches(String)}) uses the same syntax with
 * literal segments only, e.g. {@code projects/42/invoices/7}; it has at least one segment.
 * Because paths are never empty, {@code *}{@code /**} and {@code **} match the same paths and
 * {@link #covers(ResourceFilter)} reports that faithfully.
 *
 * <p>Instances are immutable and thread-safe. {@code equals} compares the written form.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-3.3">RFC 6749 §3.3 Access Token Scope</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc3986#section-2.3">RFC 3986 §2.3 Unreserved Characters</a>
 */
public final class ResourceFilter {

    /** Longest accepted filter text, in characters. */
    public static final int MAX_LENGTH = 512;

    /** Largest accepted number of segments. */
    public static final int MAX_SEGMENTS = 64;

    /** Marker for a single-segment wildcard inside {@link #segments}; compared by identity. */
    private static final String ONE = new String("*");

    private static final ResourceFilter EVERYTHING = new ResourceFilter("**", List.of(), true);

    private final String text;
    /** Fixed-position segments: literal text, or {@link #ONE} (by identity) for {@code *}. */
    private final List<String> segments;
    /** Whether a trailing {@code **} follows {@link #segments}. */
    private final boolean tail;

    private ResourceFilter(String text, List<String> segments, boolean tail) {
        this.text = text;
        this.segments = segments;
        this.tail = tail;
    }

    /**
     * Parses a filter.
     *
     * @param text the filter, e.g. {@code projects/42/**}
     * @return the filter
     * @throws InvalidScopeException if {@code text} is null or not a valid filter
     */
    public static ResourceFilter parse(String text) {
        if (text == null) {
            throw new InvalidScopeException("resource filter cannot be null");
        }
        if (text.isEmpty()) {
            throw new InvalidScopeException("resource filter cannot be empty");
        }
        if (text.length() > MAX_LENGTH) {
            throw new InvalidScopeException("resource filter is longer than " + MAX_LENGTH + " characters");
        }
        if (text.equals("*") || text.equals("**")) {
            return text.equals("**") ? EVERYTHING : new ResourceFilter("*", List.of(), true);
        }
        List<String> segments = new ArrayList<>();
        boolean tail = false;
        int start = 0;
        int count = 0;
        while (true) {
            int end = text.indexOf('/', start);
            int stop = end < 0 ? text.length() : end;
            if (++count > MAX_SEGMENTS) {
                throw new InvalidScopeException("resource filter has more than " + MAX_SEGMENTS + " segments");
            }
            if (stop == start) {
                throw new InvalidScopeException("resource filter has an empty segment (leading, trailing or double '/'): "
                        + quote(text));
            }
            if (tail) {
                throw new InvalidScopeException("'**' is only allowed as the last segment: " + quote(text));
            }
            String segment = text.substring(start, stop);
            if (segment.equals("*")) {
                segments.add(ONE);
            } else if (segment.equals("**")) {
                tail = true;
            } else {
                checkLiteral(segment, text);
                segments.add(segment);
            }
            if (end < 0) {
                break;
            }
            start = end + 1;
        }
        return new ResourceFilter(text, Collections.unmodifiableList(segments), tail);
    }

    /**
     * Whether the resource path is matched by this filter. A path that is not a valid
     * resource path (empty, a wildcard segment, a forbidden character, too long) is matched by
     * no filter, so this method returns {@code false} for it rather than throwing.
     *
     * @param resourcePath a concrete path such as {@code projects/42/invoices/7}
     * @return whether this filter matches it
     */
    public boolean matches(String resourcePath) {
        if (resourcePath == null || resourcePath.isEmpty() || resourcePath.length() > MAX_LENGTH) {
            return false;
        }
        int index = 0;
        int start = 0;
        int fixed = segments.size();
        while (true) {
            int end = resourcePath.indexOf('/', start);
            int stop = end < 0 ? resourcePath.length() : end;
            if (stop == start || index >= MAX_SEGMENTS) {
                return false;
            }
            if (!isLiteral(resourcePath, start, stop)) {
                return false;
            }
            if (index < fixed) {
                String expected = segments.get(index);
                if (expected != ONE && (expected.length() != stop - start
                        || !resourcePath.regionMatches(start, expected, 0, expected.length()))) {
                    return false;
                }
            } else if (!tail) {
                return false;
            }
            index++;
            if (end < 0) {
                break;
            }
            start = end + 1;
        }
        return index >= fixed;
    }

    /**
     * Whether every resource path matched by {@code other} is also matched by this filter.
     * The answer is exact: when it is {@code false} there is a resource path that
     * {@code other} matches and this filter does not.
     *
     * @param other the filter that must be contained in this one
     * @return whether this filter covers {@code other}
     */
    public boolean covers(ResourceFilter other) {
        Objects.requireNonNull(other, "other cannot be null");
        List<String> mine = segments;
        List<String> theirs = other.segments;
        // Paths are never empty, so a bare '**' behaves exactly like '*/**'.
        if (tail && mine.isEmpty()) {
            return true;
        }
        if (other.tail && theirs.isEmpty()) {
            theirs = List.of(ONE);
        }
        if (tail) {
            if (theirs.size() < mine.size()) {
                return false;
            }
        } else if (other.tail || theirs.size() != mine.size()) {
            return false;
        }
        for (int i = 0; i < mine.size(); i++) {
            String a = mine.get(i);
            String b = theirs.get(i);
            if (a != ONE && (b == ONE || !a.equals(b))) {
                return false;
            }
        }
        return true;
    }

    /** @return whether this filter contains no wildcard, i.e. names exactly one resource */
    public boolean isLiteral() {
        if (tail) {
            return false;
        }
        for (String segment : segments) {
            if (segment == ONE) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ResourceFilter f && f.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    /** @return the filter as written, e.g. {@code projects/42/**} */
    @Override
    public String toString() {
        return text;
    }

    private static void checkLiteral(String segment, String whole) {
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (!isLiteralChar(c)) {
                if (c == '*') {
                    throw new InvalidScopeException("'*' must be a whole segment ('*' or '**'), not mixed with other characters: "
                            + quote(whole));
                }
                if (Character.isWhitespace(c) || Character.isISOControl(c) || Character.isSpaceChar(c)) {
                    throw new InvalidScopeException("resource filter contains whitespace or a control character: "
                            + quote(whole));
                }
                throw new InvalidScopeException("resource filter contains the character '" + c
                        + "' (allowed: letters, digits and - _ . ~ @ + = , %): " + quote(whole));
            }
        }
    }

    private static boolean isLiteral(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!isLiteralChar(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isLiteralChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '-' || c == '_' || c == '.' || c == '~' || c == '@' || c == '+' || c == '=' || c == ','
                || c == '%';
    }

    /** Quotes user input for an error message, escaping control characters and truncating. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        int limit = Math.min(s.length(), 80);
        for (int i = 0; i < limit; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && Character.isISOControl(c))) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        if (s.length() > limit) {
            b.append("…");
        }
        return b.append('"').toString();
    }
}
