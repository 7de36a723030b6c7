package dev.keymint.sdk.spring;

import dev.keymint.sdk.InsufficientScopeException;
import dev.keymint.sdk.InvalidScopeException;
import dev.keymint.sdk.Scope;
import dev.keymint.sdk.Scopes;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;

/**
 * {@link AuthorizationManager}s that grant a request when the caller's Keymint token has a
 * scope covering a required one, using {@link Scopes} (the same rules as everywhere else):
 *
 * <pre>{@code
 * http.authorizeHttpRequests(a -> a
 *         .requestMatchers("/admin/keys/{id}/**").access(KeymintAuthorization.require("admin", "keys/{id}"))
 *         .requestMatchers("/admin/**").access(KeymintAuthorization.require("admin", "**")));
 * }</pre>
 *
 * The resource may contain {@code {name}} placeholders, filled from the request matcher's path
 * variables; a missing variable or one that is not a valid literal segment denies the request.
 * The token must be the authentication's principal as a Spring {@link Jwt} (what
 * {@link KeymintJwtDecoder} and Spring's resource server produce). With a token from
 * {@link KeymintJwtDecoder}, a refusal is counted as "refused for scope" in the key's usage when the
 * verifier has a {@link dev.keymint.sdk.UsageReporter}.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6750#section-3.1">RFC 6750 §3.1 insufficient_scope</a>
 */
public final class KeymintAuthorization {

    private static final Pattern VARIABLE = Pattern.compile("\\{([A-Za-z0-9_]+)}");

    private KeymintAuthorization() {
    }

    /**
     * @param action   {@code read}, {@code write}, {@code admin} or {@code *}
     * @param resource a filter, optionally with {@code {variable}} segments
     * @return a manager granting requests whose token covers {@code action:resource}
     * @throws InvalidScopeException if the action or the resource (with placeholders
     *                               replaced by a literal) is not valid
     */
    public static AuthorizationManager<RequestAuthorizationContext> require(String action, String resource) {
        Objects.requireNonNull(resource, "resource cannot be null");
        Scope.of(action, VARIABLE.matcher(resource).replaceAll("x")); // validate up front
        boolean templated = VARIABLE.matcher(resource).find();
        Scope fixed = templated ? null : Scope.of(action, resource);
        return new ScopeAuthorizationManager(action, resource, fixed);
    }

    /**
     * Whether the authentication's Keymint token covers {@code action:resource}, for checks outside
     * request matchers, e.g. {@code @PreAuthorize} expressions. Same rules and usage counting as
     * {@link #require}.
     *
     * @param authentication the current authentication, may be null
     * @param action         {@code read}, {@code write}, {@code admin} or {@code *}
     * @param resource       a resource path such as {@code projects/42}, or a filter
     * @return true if a scope of the token covers it; false otherwise, also when the authentication
     *         holds no {@link Jwt} or the action or resource is not valid scope syntax (a value
     *         from the request is then denied rather than failing the request)
     */
    public static boolean allows(Authentication authentication, String action, String resource) {
        Scope required;
        try {
            required = Scope.of(action, resource);
        } catch (InvalidScopeException e) {
            return false;
        }
        return covers(authentication, required);
    }

    private static boolean covers(Authentication auth, Scope required) {
        if (auth == null || !auth.isAuthenticated() || !(auth.getPrincipal() instanceof Jwt jwt)) {
            return false;
        }
        // Spring wraps the decoded Jwt as the principal; the credentials are the decoder's own object
        if (auth.getCredentials() instanceof VerifiedJwt verified && verified.token() != null
                && verified.getTokenValue().equals(jwt.getTokenValue())) {
            try {
                verified.token().require(required);
                return true;
            } catch (InsufficientScopeException e) {
                return false;
            }
        }
        Object claim = jwt.getClaims().get("scope");
        if (!(claim instanceof String text)) {
            return false;
        }
        try {
            return Scopes.parse(text).covers(required);
        } catch (InvalidScopeException e) {
            return false;
        }
    }

    private record ScopeAuthorizationManager(String action, String template, Scope fixed)
            implements AuthorizationManager<RequestAuthorizationContext> {

        @Override
        public AuthorizationResult authorize(Supplier<? extends Authentication> authentication,
                                             RequestAuthorizationContext context) {
            Scope required;
            try {
                required = fixed != null ? fixed : Scope.of(action, expand(template, context.getVariables()));
            } catch (InvalidScopeException e) {
                return new AuthorizationDecision(false);
            }
            return new AuthorizationDecision(covers(authentication.get(), required));
        }

        private static String expand(String template, Map<String, String> variables) {
            Matcher m = VARIABLE.matcher(template);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                String value = variables == null ? null : variables.get(m.group(1));
                if (value == null || value.isEmpty() || value.contains("/") || value.contains("*")) {
                    throw new InvalidScopeException("path variable " + m.group(1) + " is missing or not a literal segment");
                }
                m.appendReplacement(out, Matcher.quoteReplacement(value));
            }
            m.appendTail(out);
            return out.toString();
        }

        @Override
        public String toString() {
            return "KeymintAuthorization.require(" + action + ":" + template + ")";
        }
    }
}
