package dev.keymint.server.tokens;

import dev.keymint.sdk.JwksFetcher;
import dev.keymint.sdk.TokenVerifier;
import dev.keymint.server.keys.ApiKey;
import dev.keymint.server.keys.ApiKeyCache;
import dev.keymint.server.keys.KeyStatus;
import dev.keymint.server.signing.SigningKeys;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.stereotype.Component;

/**
 * Verifies tokens that this server issued, for its own use (the admin API, introspection): with
 * resource-sdk against the signing keys in memory (no HTTP to itself), requiring {@code iss} to be
 * the given issuer and {@code aud} the configured audience; then {@link #whyNotLive} refuses at once
 * what a verifier elsewhere only learns through the status list: a token whose API key is no longer
 * active, or whose signing key is no longer published (emergency rotation).
 *
 * <p>One verifier per issuer string (with no {@code KEYMINT_ISSUER} the issuer depends on the Host
 * header), at most {@value #MAX_ISSUERS}, least recently used evicted. Thread-safe.
 */
@Component
@ConditionalOnWebApplication
public final class OwnTokenVerifiers {

    static final int MAX_ISSUERS = 32;
    /** The verifier needs a URL to name its key source; the fetcher below never uses it. */
    private static final URI IN_MEMORY_JWKS = URI.create("https://in-memory.keymint.invalid/jwks");

    private final SigningKeys signingKeys;
    private final JwksFetcher ownKeys;
    private final String audience;
    private final ApiKeyCache keys;
    private final Clock clock;
    private final Map<String, TokenVerifier> verifiers = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, TokenVerifier> eldest) {
            return size() > MAX_ISSUERS;
        }
    };

    public OwnTokenVerifiers(SigningKeys signingKeys, TokenProperties tokens, ApiKeyCache keys, Clock clock) {
        this.signingKeys = signingKeys;
        this.ownKeys = uri -> JwksFetcher.Fetched.of(signingKeys.jwks().json(), Duration.ofSeconds(10));
        this.audience = tokens.audience();
        this.keys = keys;
        this.clock = clock;
    }

    /** The verifier of tokens with this {@code iss}. */
    public TokenVerifier verifier(String issuer) {
        synchronized (verifiers) {
            return verifiers.computeIfAbsent(issuer, this::newVerifier);
        }
    }

    private TokenVerifier newVerifier(String issuer) {
        return TokenVerifier.forIssuer(issuer)
                .jwksUri(IN_MEMORY_JWKS)
                .fetcher(ownKeys)
                .audience(audience)
                .cacheLifetime(Duration.ofSeconds(1), Duration.ofMinutes(1))
                .minRefreshInterval(Duration.ofSeconds(1))
                .build();
    }

    /**
     * Why a verified token must nevertheless be refused now, or empty when it may be accepted: its
     * signing key is no longer published, or its API key (its {@code client_id}) is deleted,
     * disabled, revoked or expired. The key's row comes from memory when {@link ApiKeyCache} may
     * answer, so no database read is made for a key in memory.
     */
    public Optional<String> whyNotLive(String clientId, String kid) {
        if (kid == null || !signingKeys.publishes(kid)) {
            return Optional.of("the token was signed by a key that is no longer published");
        }
        Optional<ApiKey> key = clientId == null ? Optional.empty() : keys.findById(clientId);
        if (key.isEmpty()) {
            return Optional.of("the token's API key no longer exists");
        }
        KeyStatus status = key.get().effectiveStatus(clock.instant());
        if (status != KeyStatus.ACTIVE) {
            return Optional.of("the token's API key is " + status.databaseValue());
        }
        return Optional.empty();
    }
}
