package dev.keymint.server.tokens;

import dev.keymint.sdk.Scope;
import dev.keymint.sdk.TokenRejectedException;
import dev.keymint.sdk.VerifiedToken;
import dev.keymint.server.keys.ApiKey;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenIntrospection;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2TokenIntrospectionAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;

/**
 * Token introspection for resource servers that cannot verify tokens themselves. The caller is an
 * API key authenticated as at the token endpoint that holds {@value #REQUIRED_SCOPE} (else 403
 * {@code insufficient_scope}). The token is {@code active} only when this server would accept it
 * now: a valid signature by a published key, this issuer, any audience (a key's own, RFC 8707), not expired
 * (without clock skew: the server's clock is the reference), its API key still active, and of the
 * caller's own organization. Anything else, including a malformed token, is {@code active: false}
 * with no further detail, as RFC 7662 asks. Nothing is stored or written.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7662#section-2">RFC 7662 §2</a>
 */
final class TokenIntrospectionProvider implements AuthenticationProvider {

    /** The scope a key needs to introspect tokens of its organization. */
    static final String REQUIRED_SCOPE = "read:introspection";
    private static final Scope REQUIRED = Scope.parse(REQUIRED_SCOPE);
    private static final Logger log = LoggerFactory.getLogger(TokenIntrospectionProvider.class);

    private final IssuerResolver issuers;
    private final OwnTokenVerifiers ownTokens;
    private final Clock clock;

    TokenIntrospectionProvider(IssuerResolver issuers, OwnTokenVerifiers ownTokens, Clock clock) {
        this.issuers = issuers;
        this.ownTokens = ownTokens;
        this.clock = clock;
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        OAuth2TokenIntrospectionAuthenticationToken request = (OAuth2TokenIntrospectionAuthenticationToken) authentication;
        if (!(request.getPrincipal() instanceof OAuth2ClientAuthenticationToken client) || !client.isAuthenticated()
                || client.getRegisteredClient() == null) {
            throw new OAuth2AuthenticationException(OAuth2ErrorCodes.INVALID_CLIENT);
        }
        RegisteredClient registeredClient = client.getRegisteredClient();
        ApiKey caller = ApiKeyClients.apiKey(registeredClient);
        if (!ApiKeyClients.grantedScopes(registeredClient).covers(REQUIRED)) {
            throw new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INSUFFICIENT_SCOPE,
                    "Introspection needs an API key with the scope " + REQUIRED_SCOPE,
                    "https://www.rfc-editor.org/rfc/rfc7662#section-2.3"));
        }
        String issuer = issuers.issuer();
        OAuth2TokenIntrospection claims = introspect(issuer, caller, request.getToken())
                .orElseGet(() -> OAuth2TokenIntrospection.builder(false).build());
        return new OAuth2TokenIntrospectionAuthenticationToken(request.getToken(), client, claims);
    }

    private Optional<OAuth2TokenIntrospection> introspect(String issuer, ApiKey caller, String token) {
        VerifiedToken verified;
        try {
            verified = ownTokens.verifierOfAnyAudience().verify(token);
        } catch (TokenRejectedException e) {
            if (e.isServerFailure()) {
                throw unavailable();
            }
            log.debug("Introspection by {}: inactive, {}", caller.id(), e.reason());
            return Optional.empty();
        }
        if (!verified.expiresAt().isAfter(clock.instant())) {
            return Optional.empty();
        }
        if (!caller.organizationSlug().equals(verified.organization())) {
            log.debug("Introspection by {}: inactive, a token of another organization", caller.id());
            return Optional.empty();
        }
        Optional<String> notLive;
        try {
            notLive = ownTokens.whyNotLive(verified.clientId(), verified.keyId().orElse(null));
        } catch (DataAccessException e) {
            log.error("Introspection cannot read API key {}: {}", verified.clientId(), e.getMessage());
            throw unavailable();
        }
        if (notLive.isPresent()) {
            log.debug("Introspection by {}: inactive, {}", caller.id(), notLive.get());
            return Optional.empty();
        }
        OAuth2TokenIntrospection.Builder claims = OAuth2TokenIntrospection.builder(true)
                .scope(verified.scopes().toString())
                .clientId(verified.clientId())
                .tokenType("Bearer")
                .issuedAt(verified.issuedAt())
                .expiresAt(verified.expiresAt())
                .subject(verified.subject())
                .audiences(audiences -> audiences.addAll(verified.audience()))
                .issuer(issuer)
                .id(verified.id())
                .claim("org", verified.organization());
        verified.team().ifPresent(team -> claims.claim("team", team));
        return Optional.of(claims.build());
    }

    private static OAuth2AuthenticationException unavailable() {
        return new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.TEMPORARILY_UNAVAILABLE,
                "The key store is unavailable; retry shortly", null));
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return OAuth2TokenIntrospectionAuthenticationToken.class.isAssignableFrom(authentication);
    }
}
