package dev.keymint.server.admin;

import dev.keymint.sdk.spring.KeymintJwtDecoder;
import dev.keymint.server.tokens.OwnTokenVerifiers;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.AuthenticationManagerResolver;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;
import org.springframework.util.function.SingletonSupplier;

/**
 * Verifies admin tokens with resource-sdk against this server's own signing keys, in memory (no
 * HTTP to itself), requiring {@code iss} to be this server's issuer and {@code aud} to be the
 * configured audience ({@link OwnTokenVerifiers}); then refuses, on every request, a token whose
 * API key is no longer active or whose signing key is no longer published. Built on the first
 * admin request (the default issuer is known once the server listens). Thread-safe.
 */
final class AdminTokenVerifiers implements AuthenticationManagerResolver<HttpServletRequest> {

    private final SingletonSupplier<AuthenticationManager> manager;

    AdminTokenVerifiers(OwnTokenVerifiers ownTokens) {
        this.manager = SingletonSupplier.of(() -> manager(ownTokens));
    }

    @Override
    public AuthenticationManager resolve(HttpServletRequest request) {
        return manager.obtain();
    }

    private static AuthenticationManager manager(OwnTokenVerifiers ownTokens) {
        JwtDecoder verified = new KeymintJwtDecoder(ownTokens.verifier());
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
