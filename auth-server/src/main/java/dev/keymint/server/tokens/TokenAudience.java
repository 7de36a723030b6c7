package dev.keymint.server.tokens;

import dev.keymint.server.keys.ApiKey;
import dev.keymint.server.keys.Audiences;
import java.util.ArrayList;
import java.util.List;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;

/**
 * Decides a token's {@code aud} from the request's {@code resource} parameters (RFC 8707) and the
 * key's audiences. A key may address the audiences it lists, or, listing none, the server's default
 * audience ({@code keymint.tokens.audience}) only. Without {@code resource} the token gets the
 * default audience when the key may address it, else the key's first audience. With {@code resource}
 * (repeatable), every one must be an absolute URI without fragment that the key may address, else
 * {@code invalid_target}; {@code aud} is then exactly the resources named (a string for one, an
 * array for several). Thread-safe.
 *
 * <p>Why so strict for a key without a list: were any resource allowed, every key could have a token
 * for every resource server, and an audience check in a resource server would mean nothing.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8707#section-2">RFC 8707 §2</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9068#section-3">RFC 9068 §3</a>
 */
final class TokenAudience {

    static final String RESOURCE = "resource";
    static final String INVALID_TARGET = "invalid_target";
    private static final String ERROR_URI = "https://www.rfc-editor.org/rfc/rfc8707#section-2";

    private final String defaultAudience;
    /** The common answer, allocated once: a token without {@code resource} of a key without a list. */
    private final List<String> defaultOnly;

    TokenAudience(String defaultAudience) {
        this.defaultAudience = defaultAudience;
        this.defaultOnly = List.of(defaultAudience);
    }

    /**
     * @param resource the form's {@code resource}: null, one {@code String} or a {@code String[]} when
     *                 repeated (as Spring's client-credentials converter passes additional parameters)
     */
    List<String> audience(ApiKey key, Object resource) {
        List<String> listed = key.audiences();
        if (resource == null) {
            return listed.isEmpty() || listed.contains(defaultAudience) ? defaultOnly : List.of(listed.get(0));
        }
        String[] named = resource instanceof String[] several ? several : new String[] {String.valueOf(resource)};
        List<String> audience = new ArrayList<>(named.length);
        for (String text : named) {
            String problem = Audiences.problem(text);
            if (problem != null) {
                throw invalidTarget("The resource parameter " + problem);
            }
            if (listed.isEmpty() ? !text.equals(defaultAudience) : !listed.contains(text)) {
                throw invalidTarget("The API key may not address the resource '" + text + "'"
                        + (listed.isEmpty() ? ": it lists no audiences" : ""));
            }
            if (!audience.contains(text)) {
                audience.add(text);
            }
        }
        return audience;
    }

    /**
     * Counted in {@code keymint_tokens_refused_total{reason="invalid_target"}}; not in the key's usage,
     * whose outcomes ({@code usage_hourly.outcome}) have no such value.
     */
    private static OAuth2AuthenticationException invalidTarget(String description) {
        return new OAuth2AuthenticationException(new TokenOutcomes.Refusal(INVALID_TARGET, INVALID_TARGET, description,
                ERROR_URI));
    }
}
