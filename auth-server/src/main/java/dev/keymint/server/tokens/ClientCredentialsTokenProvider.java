package dev.keymint.server.tokens;

import dev.keymint.sdk.InvalidScopeException;
import dev.keymint.sdk.Scope;
import dev.keymint.sdk.Scopes;
import dev.keymint.server.keys.ApiKey;
import dev.keymint.server.keys.Budget;
import dev.keymint.server.keys.LastUsedRecorder;
import dev.keymint.server.tokens.AccessTokenMinter.MintedToken;
import dev.keymint.server.limits.KeyLimiter;
import dev.keymint.server.usage.UsageOutcome;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Optional;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AccessTokenAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientCredentialsAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;

/**
 * The client-credentials grant: decides the token's scopes and mints it. Unlike the stock
 * provider it stores no {@code OAuth2Authorization} (nothing is written per token) and applies
 * Keymint's scope containment (from resource-sdk, the same rules resource servers check) instead
 * of exact string matching.
 *
 * <p>Without a {@code scope} parameter the token carries all of the key's scopes; with one, every
 * requested scope must be covered by a granted scope, else {@code invalid_scope}. The token's
 * audience follows the {@code resource} parameters and the key's audiences ({@link TokenAudience}).
 * The token is a new one, or with {@code keymint.tokens.reuse-window} set, possibly the one just given
 * out for the same request ({@link TokenReuse}).
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-4.4">RFC 6749 §4.4</a>
 */
final class ClientCredentialsTokenProvider implements AuthenticationProvider {

    /** Retry-After for a spent budget without a reset period: only an admin can lift it. */
    private static final Duration NO_RESET_RETRY = Duration.ofHours(1);
    private static final String ERROR_URI = "https://www.rfc-editor.org/rfc/rfc6749#section-5.2";

    private final IssuerResolver issuers;
    private final AccessTokenSource tokens;
    private final TokenAudience audiences;
    private final LastUsedRecorder lastUsed;
    private final KeyLimiter limiter;
    private final Clock clock;

    ClientCredentialsTokenProvider(IssuerResolver issuers, AccessTokenSource tokens, TokenAudience audiences,
                                   LastUsedRecorder lastUsed, KeyLimiter limiter, Clock clock) {
        this.issuers = issuers;
        this.audiences = audiences;
        this.clock = clock;
        this.tokens = tokens;
        this.lastUsed = lastUsed;
        this.limiter = limiter;
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        OAuth2ClientCredentialsAuthenticationToken request = (OAuth2ClientCredentialsAuthenticationToken) authentication;
        if (!(request.getPrincipal() instanceof OAuth2ClientAuthenticationToken client) || !client.isAuthenticated()
                || client.getRegisteredClient() == null) {
            throw new OAuth2AuthenticationException(OAuth2ErrorCodes.INVALID_CLIENT);
        }
        RegisteredClient registeredClient = client.getRegisteredClient();
        ApiKey key = ApiKeyClients.apiKey(registeredClient);
        Scopes scopes;
        try {
            scopes = tokenScopes(ApiKeyClients.grantedScopes(registeredClient), request.getScopes());
        } catch (OAuth2AuthenticationException e) {
            OAuth2Error error = e.getError();
            throw new OAuth2AuthenticationException(new TokenOutcomes.Refusal(error.getErrorCode(), error.getErrorCode(),
                    error.getDescription(), error.getUri(), key, UsageOutcome.INVALID_SCOPE));
        }
        List<String> audience = audiences.audience(key, request.getAdditionalParameters().get(TokenAudience.RESOURCE));
        Instant now = clock.instant();
        if (key.overBudget(now)) {
            throw LimitExceededException.quotaExceeded(key, "The API key has spent a budget on "
                    + "its API requests" + (key.overBudgetUntil().isBefore(Budget.NO_RESET)
                    ? " until " + key.overBudgetUntil() : "; an admin must raise it"),
                    Duration.between(now, key.overBudgetUntil().isBefore(Budget.NO_RESET) ? key.overBudgetUntil()
                            : now.plus(NO_RESET_RETRY)));
        }
        Optional<Duration> wait = limiter.acquireIssuance(key);
        if (wait.isPresent()) {
            throw LimitExceededException.quotaExceeded(key, "The API key has used its quota of "
                    + key.quota().limit() + " tokens per " + key.quota().period().databaseValue(), wait.get());
        }
        // After every limit: a repeated answer (TokenReuse) counts against them like a new token.
        MintedToken token = tokens.token(issuers.issuer(), key, scopes, audience);
        lastUsed.used(key.id(), token.issuedAt()); // its usage is booked where the response is written (TokenOutcomes)
        Set<String> scopeNames = new LinkedHashSet<>();
        scopes.asSet().forEach(scope -> scopeNames.add(scope.toString()));
        OAuth2AccessToken accessToken = new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, token.value(),
                token.issuedAt(), token.expiresAt(), scopeNames);
        return new OAuth2AccessTokenAuthenticationToken(registeredClient, client, accessToken);
    }

    static Scopes tokenScopes(Scopes granted, Set<String> requested) {
        if (requested.isEmpty()) {
            return granted;
        }
        List<Scope> chosen = new ArrayList<>();
        for (String text : requested.stream().sorted().toList()) {
            Scope scope;
            try {
                scope = Scope.parse(text);
            } catch (InvalidScopeException e) {
                throw invalidScope("Malformed scope: " + e.getMessage());
            }
            if (!granted.covers(scope)) {
                throw invalidScope("The scope '" + scope + "' is not covered by the API key's scopes");
            }
            chosen.add(scope);
        }
        return Scopes.of(chosen);
    }

    private static OAuth2AuthenticationException invalidScope(String description) {
        return new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_SCOPE, description, ERROR_URI));
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return OAuth2ClientCredentialsAuthenticationToken.class.isAssignableFrom(authentication);
    }
}
