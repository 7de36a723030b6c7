package dev.keymint.server.admin;

import dev.keymint.sdk.spring.KeymintJwtDecoder;
import dev.keymint.server.tokens.IssuerResolver;
import dev.keymint.server.tokens.OwnTokenVerifiers;
import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.AuthenticationManagerResolver;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;

/**
 * Verifies admin tokens with resource-sdk against this server's own signing keys, in memory (no
 * HTTP to itself), requiring {@code iss} to be the issuer of the request being served and
 * {@code aud} to be the configured audience ({@link OwnTokenVerifiers}); then refuses, on every
 * request, a token whose API key is no longer active or whose signing key is no longer published.
 * One manager per issuer string, at most {@value #MAX_ISSUERS}, least recently used evicted.
 * Thread-safe.
 */
final class AdminTokenVerifiers implements AuthenticationManagerResolver<HttpServletRequest> {

    static final int MAX_ISSUERS = 32;

    private final IssuerResolver issuers;
    private final OwnTokenVerifiers ownTokens;
    private final Map<String, AuthenticationManager> managers = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, AuthenticationManager> eldest) {
            return size() > MAX_ISSUERS;
        }
    };

    AdminTokenVerifiers(IssuerResolver issuers, OwnTokenVerifiers ownTokens) {
        this.issuers = issuers;
        this.ownTokens = ownTokens;
    }

    @Override
    public AuthenticationManager resolve(HttpServletRequest request) {
        String issuer = issuers.issuer(request);
        synchronized (managers) {
            return managers.computeIfAbsent(issuer, this::manager);
        }
    }

    private AuthenticationManager manager(String issuer) {
        JwtDecoder verified = new KeymintJwtDecoder(ownTokens.verifier(issuer));
        JwtDecoder live = token -> {
            Jwt jwt = verified.decode(token);
            ownTokens.whyNotLive(jwt.getClaimAsString("client_id"), (String) jwt.getHeaders().get("kid"))
                    .ifPresent(reason -> {
                        throw new BadJwtException(reason);
                    });
            return jwt;
        };
        return new ProviderManager(new JwtAuthenticationProvider(live));
    }
}
