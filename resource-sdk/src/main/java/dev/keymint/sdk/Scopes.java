package dev.keymint.sdk;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * An immutable, ordered, duplicate-free set of {@link Scope}s: the value of the token's
 * {@code scope} claim and of the OAuth {@code scope} parameter.
 *
 * <p>The text form is scope tokens separated by spaces ({@code %x20}); runs of spaces and
 * leading/trailing spaces are tolerated, any other whitespace is rejected. At most
 * {@value #MAX_SCOPES} scopes. Instances are immutable and thread-safe.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-3.3">RFC 6749 §3.3 Access Token Scope</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9068#section-2.2.3">RFC 9068 §2.2.3 Authorization Claims</a>
 */
public final class Scopes {

    /** Largest accepted number of scopes. */
    public static final int MAX_SCOPES = 100;

    private static final Scopes EMPTY = new Scopes(List.of());

    private final List<Scope> list;
    private final Set<Scope> set;

    private Scopes(List<Scope> list) {
        this.list = list;
        this.set = Collections.unmodifiableSet(new LinkedHashSet<>(list));
    }

    /** @return the empty set */
    public static Scopes empty() {
        return EMPTY;
    }

    /**
     * Parses space-separated scopes. Empty or blank text gives the empty set.
     *
     * @param spaceSeparated e.g. {@code read:projects/** write:projects/42/*}
     * @return the scopes, in order of first appearance
     * @throws InvalidScopeException if the text is null, holds more than {@value #MAX_SCOPES}
     *                               scopes or any scope is invalid
     */
    public static Scopes parse(String spaceSeparated) {
        if (spaceSeparated == null) {
            throw new InvalidScopeException("scopes cannot be null");
        }
        if (spaceSeparated.length() > MAX_SCOPES * (Scope.MAX_LENGTH + 1)) {
            throw new InvalidScopeException("scope list is too long");
        }
        LinkedHashSet<Scope> scopes = new LinkedHashSet<>();
        int count = 0;
        int i = 0;
        int n = spaceSeparated.length();
        while (i < n) {
            if (spaceSeparated.charAt(i) == ' ') {
                i++;
                continue;
            }
            int end = spaceSeparated.indexOf(' ', i);
            if (end < 0) {
                end = n;
            }
            if (++count > MAX_SCOPES) {
                throw new InvalidScopeException("more than " + MAX_SCOPES + " scopes");
            }
            scopes.add(Scope.parse(spaceSeparated.substring(i, end)));
            i = end;
        }
        return scopes.isEmpty() ? EMPTY : new Scopes(List.copyOf(scopes));
    }

    /**
     * @param scopes the scopes; duplicates are dropped, iteration order is kept
     * @return the set
     * @throws InvalidScopeException if there are more than {@value #MAX_SCOPES} distinct scopes
     * @throws NullPointerException  if the collection or an element is null
     */
    public static Scopes of(Collection<Scope> scopes) {
        Objects.requireNonNull(scopes, "scopes cannot be null");
        LinkedHashSet<Scope> distinct = new LinkedHashSet<>();
        for (Scope scope : scopes) {
            distinct.add(Objects.requireNonNull(scope, "scopes cannot contain null"));
        }
        if (distinct.size() > MAX_SCOPES) {
            throw new InvalidScopeException("more than " + MAX_SCOPES + " scopes");
        }
        return distinct.isEmpty() ? EMPTY : new Scopes(List.copyOf(distinct));
    }

    /**
     * @param requested a scope
     * @return whether some member {@linkplain Scope#covers covers} it
     */
    public boolean covers(Scope requested) {
        Objects.requireNonNull(requested, "requested cannot be null");
        for (Scope scope : list) {
            if (scope.covers(requested)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether every scope of {@code requested} is covered by some member: the downscoping check.
     *
     * @param requested the requested scopes
     * @return whether all are covered (true for the empty set)
     */
    public boolean coversAll(Scopes requested) {
        Objects.requireNonNull(requested, "requested cannot be null");
        for (Scope scope : requested.list) {
            if (!covers(scope)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Same as {@code covers(Scope.of(action, resourceOrFilter))}.
     *
     * @param action           {@code read}, {@code write}, {@code admin} or {@code *}
     * @param resourceOrFilter a resource path or filter
     * @return whether some member covers it
     * @throws InvalidScopeException if the action or filter is invalid
     */
    public boolean allows(String action, String resourceOrFilter) {
        return covers(Scope.of(action, resourceOrFilter));
    }

    /** @return whether there are no scopes */
    public boolean isEmpty() {
        return list.isEmpty();
    }

    /** @return the scopes as an unmodifiable set in their original order */
    public Set<Scope> asSet() {
        return set;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Scopes s && s.set.equals(set);
    }

    @Override
    public int hashCode() {
        return set.hashCode();
    }

    /** @return the scopes separated by single spaces; {@link #parse} gives back an equal set */
    @Override
    public String toString() {
        return String.join(" ", list.stream().map(Scope::toString).toList());
    }
}
