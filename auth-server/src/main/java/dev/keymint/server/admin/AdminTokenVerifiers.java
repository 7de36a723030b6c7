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
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.AuthenticationManagerResolver;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;

/**
 * Verifies admin tokens with resource-sdk against this server's own signing keys, in memory (no
 * HTTP to itself), requiring {@code iss} to be the issuer of the request being served and
 * {@code aud} to be the configured audience. One verifier per issuer string (with no
 * {@code KEYMINT_ISSUER} the issuer depends on the Host header), at most {@value #MAX_ISSUERS},
 * least recently used evicted. Thread-safe.
 */
final class AdminTokenVerifiers implements AuthenticationManagerResolver<HttpServletRequest> {

    static final int MAX_ISSUERS = 32;
    /** The verifier needs a URL to name its key source; the fetcher below never uses it. */
    private static final URI IN_MEMORY_JWKS = URI.create("https://in-memory.keymint.invalid/jwks");

    private final IssuerResolver issuers;
    private final JwksFetcher ownKeys;
    private final String audience;
    private final Map<String, AuthenticationManager> managers = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, AuthenticationManager> eldest) {
            return size() > MAX_ISSUERS;
        }
    };

    AdminTokenVerifiers(IssuerResolver issuers, SigningKeys signingKeys, TokenProperties tokens) {
        this.issuers = issuers;
        this.ownKeys = uri -> JwksFetcher.Fetched.of(signingKeys.jwks().json(), Duration.ofSeconds(10));
        this.audience = tokens.audience();
    }

    @Override
    public AuthenticationManager resolve(HttpServletRequest request) {
        String issuer = issuers.issuer(request);
        synchronized (managers) {
            return managers.computeIfAbsent(issuer, this::manager);
        }
    }

    private AuthenticationManager manager(String issuer) {
        TokenVerifier verifier = TokenVerifier.forIssuer(issuer)
                .jwksUri(IN_MEMORY_JWKS)
                .fetcher(ownKeys)
                .audience(audience)
                .cacheLifetime(Duration.ofSeconds(1), Duration.ofMinutes(1))
                .minRefreshInterval(Duration.ofSeconds(1))
                // a key's api_requests_per_minute limits the customer's APIs (their resource servers
                // enforce and report it), not Keymint's admin API, where usage reporters post
                .apiRateLimit(false)
                .build();
        return new ProviderManager(new JwtAuthenticationProvider(new KeymintJwtDecoder(verifier)));
    }
}
