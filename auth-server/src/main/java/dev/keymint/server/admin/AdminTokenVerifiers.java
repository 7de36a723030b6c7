package dev.keymint.server.admin;

import dev.keymint.sdk.JwksFetcher;
import dev.keymint.sdk.TokenVerifier;
import dev.keymint.sdk.spring.KeymintJwtDecoder;
import dev.keymint.server.signing.SigningKeys;
import dev.keymint.server.tokens.IssuerResolver;
import dev.keymint.server.tokens.TokenProperties;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.time.Duration;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.AuthenticationManagerResolver;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;
import org.springframework.util.function.SingletonSupplier;

/**
 * Verifies admin tokens with resource-sdk against this server's own signing keys, in memory (no
 * HTTP to itself), requiring {@code iss} to be this server's issuer ({@link IssuerResolver}) and
 * {@code aud} to be the configured audience. The verifier is built on the first admin request:
 * the default issuer names the port the server listens on, known only once it listens.
 * Thread-safe.
 */
final class AdminTokenVerifiers implements AuthenticationManagerResolver<HttpServletRequest> {

    /** The verifier needs a URL to name its key source; the fetcher below never uses it. */
    private static final URI IN_MEMORY_JWKS = URI.create("https://in-memory.keymint.invalid/jwks");

    private final SingletonSupplier<AuthenticationManager> manager;

    AdminTokenVerifiers(IssuerResolver issuers, SigningKeys signingKeys, TokenProperties tokens) {
        JwksFetcher ownKeys = uri -> JwksFetcher.Fetched.of(signingKeys.jwks().json(), Duration.ofSeconds(10));
        this.manager = SingletonSupplier.of(() -> manager(issuers.issuer(), ownKeys, tokens.audience()));
    }

    @Override
    public AuthenticationManager resolve(HttpServletRequest request) {
        return manager.obtain();
    }

    private static AuthenticationManager manager(String issuer, JwksFetcher ownKeys, String audience) {
        TokenVerifier verifier = TokenVerifier.forIssuer(issuer)
                .jwksUri(IN_MEMORY_JWKS)
                .fetcher(ownKeys)
                .audience(audience)
                .cacheLifetime(Duration.ofSeconds(1), Duration.ofMinutes(1))
                .minRefreshInterval(Duration.ofSeconds(1))
                .build();
        return new ProviderManager(new JwtAuthenticationProvider(new KeymintJwtDecoder(verifier)));
    }
}
