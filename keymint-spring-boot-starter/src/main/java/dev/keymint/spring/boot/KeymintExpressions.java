package dev.keymint.spring.boot;

import dev.keymint.sdk.spring.KeymintAuthorization;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * The bean {@code keymint}, for method security expressions on the current request's token:
 *
 * <pre>{@code
 * @PreAuthorize("@keymint.allows('read', 'projects/' + #id)")
 * @GetMapping("/projects/{id}")
 * Project project(@PathVariable String id) { … }
 * }</pre>
 *
 * Same rules as everywhere else in Keymint ({@link KeymintAuthorization}): {@code allows('read',
 * 'projects/42')} is true when a scope such as {@code read:projects/*} or {@code *:**} covers it.
 * A resource built from request data that is not valid scope syntax (say an id containing
 * {@code /} or {@code *}) is denied, not an error. A refusal counts as "refused for scope" in the
 * key's usage when usage reporting is on.
 */
public class KeymintExpressions {

    /**
     * @param action   {@code read}, {@code write}, {@code admin} or {@code *}
     * @param resource a resource path such as {@code projects/42}, or a filter
     * @return whether the current request's Keymint token covers {@code action:resource}
     */
    public boolean allows(String action, String resource) {
        return KeymintAuthorization.allows(SecurityContextHolder.getContext().getAuthentication(), action, resource);
    }
}
