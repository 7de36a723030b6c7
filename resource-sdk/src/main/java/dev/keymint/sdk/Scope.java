package dev.keymint.sdk;

import java.util.Objects;

/**
 * One Keymint scope: an action and a {@link ResourceFilter}, written {@code action:filter},
 * e.g. {@code read:projects/42/**}.
 *
 * <p>Actions are exactly {@code read}, {@code write}, {@code admin} and {@code *} (any action).
 * No action implies another: {@code admin:x} does not cover {@code read:x}. Scope text is at
 * most {@value #MAX_LENGTH} characters and is split at its first {@code :}.
 *
 * <p>This is the one implementation of Keymint's scope rules, used by the auth server for
 * downscoping ({@code scope} request parameter) and by resource servers for checks.
 * Instances are immutable and thread-safe.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-3.3">RFC 6749 §3.3 Access Token Scope</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9068#section-2.2.3">RFC 9068 §2.2.3 Authorization Claims</a>
 */
public final class Scope {

    /** Longest accepted scope text ({@code action:filter}), in characters. */
    public static final int MAX_LENGTH = 512;

    /** The action matching any action. */
    public static final String ANY_ACTION = "*";

    private final String action;
    private final ResourceFilter filter;
    private final String text;

    private Scope(String action, ResourceFilter filter) {
        this.action = action;
        this.filter = filter;
        this.text = action + ':' + filter;
    }

    /**
     * Parses {@code action:filter}.
     *
     * @param text the scope text, e.g. {@code write:projects/42/*}
     * @return the scope
     * @throws InvalidScopeException if the text is null, empty, too long, lacks a {@code :},
     *                               names an unknown action or has an invalid filter
     */
    public static Scope parse(String text) {
        if (text == null) {
            throw new InvalidScopeException("scope cannot be null");
        }
        if (text.isEmpty()) {
            throw new InvalidScopeException("scope cannot be empty");
        }
        if (text.length() > MAX_LENGTH) {
            throw new InvalidScopeException("scope is longer than " + MAX_LENGTH + " characters: "
                    + ResourceFilter.quote(text));
        }
        int colon = text.indexOf(':');
        if (colon < 0) {
            throw new InvalidScopeException("scope must be written action:filter (e.g. read:projects/**): "
                    + ResourceFilter.quote(text));
        }
        return of(text.substring(0, colon), text.substring(colon + 1));
    }

    /**
     * Creates a scope from its parts.
     *
     * @param action one of {@code read}, {@code write}, {@code admin}, {@code *}
     * @param filter a resource filter, see {@link ResourceFilter}
     * @return the scope
     * @throws InvalidScopeException if either part is invalid
     */
    public static Scope of(String action, String filter) {
        return new Scope(checkAction(action), ResourceFilter.parse(filter));
    }

    /**
     * Creates a scope from an action and an already parsed filter.
     *
     * @param action one of {@code read}, {@code write}, {@code admin}, {@code *}
     * @param filter the filter
     * @return the scope
     * @throws InvalidScopeException if the action is invalid
     */
    public static Scope of(String action, ResourceFilter filter) {
        Objects.requireNonNull(filter, "filter cannot be null");
        return new Scope(checkAction(action), filter);
    }

    private static String checkAction(String action) {
        if (action == null) {
            throw new InvalidScopeException("scope action cannot be null");
        }
        return switch (action) {
            case "read" -> "read";
            case "write" -> "write";
            case "admin" -> "admin";
            case "*" -> ANY_ACTION;
            default -> throw new InvalidScopeException(action.isEmpty()
                    ? "scope action cannot be empty (expected read, write, admin or *)"
                    : "unknown scope action " + ResourceFilter.quote(action) + " (expected read, write, admin or *)");
        };
    }

    /** @return the action: {@code read}, {@code write}, {@code admin} or {@code *} */
    public String action() {
        return action;
    }

    /** @return the resource filter */
    public ResourceFilter filter() {
        return filter;
    }

    /**
     * Whether this scope grants everything {@code other} grants: the actions are equal or this
     * action is {@code *}, and this filter {@linkplain ResourceFilter#covers covers} the other's.
     *
     * @param other the requested scope
     * @return whether this scope covers it
     */
    public boolean covers(Scope other) {
        Objects.requireNonNull(other, "other cannot be null");
        return (action.equals(ANY_ACTION) || action.equals(other.action)) && filter.covers(other.filter);
    }

    /**
     * Same as {@code covers(Scope.of(action, resourceOrFilter))}.
     *
     * @param action           the action to perform
     * @param resourceOrFilter a resource path ({@code projects/42}) or a filter ({@code projects/42/**})
     * @return whether this scope allows it
     * @throws InvalidScopeException if the action or the filter is invalid
     */
    public boolean allows(String action, String resourceOrFilter) {
        return covers(of(action, resourceOrFilter));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Scope s && s.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    /** @return {@code action:filter} */
    @Override
    public String toString() {
        return text;
    }
}
