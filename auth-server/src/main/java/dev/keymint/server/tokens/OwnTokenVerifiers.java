package dev.keymint.server.tokens;

import dev.keymint.sdk.JwksFetcher;
import dev.keymint.sdk.TokenVerifier;
import dev.keymint.server.keys.ApiKey;
import dev.keymint.server.keys.cache.ApiKeyCache;
import dev.keymint.server.keys.KeyStatus;
import dev.keymint.server.signing.SigningKeys;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.stereotype.Component;
import org.springframework.util.function.SingletonSupplier;

/**
 * Verifies tokens that this server issued, for its own use (the admin API, introspection): with
 * resource-sdk against the signing keys in memory (no HTTP to itself), requiring {@code iss} to be
 * this server's issuer ({@link IssuerResolver}) and {@code aud} the configured audience (introspection:
 * any audience), without the
 * status list check (this server knows better: its key rows); then {@link #whyNotLive} refuses at once
 * what a verifier elsewhere only learns through the status list: a token whose API key is no longer
 * active, or whose signing key is no longer published (emergency rotation).
 *
 * <p>The verifier is built on first use: the default issuer names the port the server listens on,
 * known only once it listens. Thread-safe.
 */
@Component
@ConditionalOnWebApplication
public final class OwnTokenVerifiers {

    /** The verifier needs a URL to name its key source; the fetcher below never uses it. */
    private static final URI IN_MEMORY_JWKS = URI.create("https://in-memory.keymint.invalid/jwks");

    private final SigningKeys signingKeys;
    private final ApiKeyCache keys;
    private final Clock clock;
    private final SingletonSupplier<TokenVerifier> verifier;
    private final SingletonSupplier<TokenVerifier> anyAudience;

    public OwnTokenVerifiers(IssuerResolver issuers, SigningKeys signingKeys, TokenProperties tokens, ApiKeyCache keys,
                             Clock clock) {
        this.signingKeys = signingKeys;
        this.keys = keys;
        this.clock = clock;
        JwksFetcher ownKeys = uri -> JwksFetcher.Fetched.of(signingKeys.jwks().json(), Duration.ofSeconds(10));
        this.verifier = SingletonSupplier.of(() -> verifier(issuers, ownKeys, clock).audience(tokens.audience()).build());
        this.anyAudience = SingletonSupplier.of(() -> verifier(issuers, ownKeys, clock).build());
    }

    private static TokenVerifier.Builder verifier(IssuerResolver issuers, JwksFetcher ownKeys, Clock clock) {
        return TokenVerifier.forIssuer(issuers.issuer())
                // the clock the tokens' iat and exp were stamped with
                .clock(clock)
                .jwksUri(IN_MEMORY_JWKS)
                .fetcher(ownKeys)
                .statusCheck(false)
                // a key's api_requests_per_minute limits the customer's APIs (their resource servers
                // enforce and report it), not Keymint's own endpoints, where usage reporters post
                .apiRateLimit(false)
                .cacheLifetime(Duration.ofSeconds(1), Duration.ofMinutes(1))
                // The "fetch" reads the keys in memory: an unknown kid looks again at once, so a key that
                // starts signing here (an emergency rotation) is accepted from its first token. A flood of
                // unknown kids costs a parse of a few keys each, no network: nothing to rate-limit.
                .minRefreshInterval(Duration.ofMillis(1));
    }

    /** The verifier of this server's tokens (signature, {@code iss}, {@code aud}, times). */
    public TokenVerifier verifier() {
        return verifier.obtain();
    }

    /**
     * The same, for tokens of any audience: introspection answers for a resource server whose
     * audience is one its keys list (RFC 8707), not only for the default audience.
     */
    TokenVerifier verifierOfAnyAudience() {
        return anyAudience.obtain();
    }

    /**
     * Why a verified token must nevertheless be refused now, or empty when it may be accepted: its
     * signing key is no longer published, or its API key (its {@code client_id}) is deleted,
     * disabled, revoked, expired or over budget. The key's row comes from memory when {@link ApiKeyCache} may
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
        Instant now = clock.instant();
        KeyStatus status = key.get().effectiveStatus(now);
        if (status != KeyStatus.ACTIVE) {
            return Optional.of("the token's API key is " + status.databaseValue());
        }
        if (key.get().overBudget(now)) {
            // SUSPENDED in the status list too: what a verifier elsewhere learns within its ttl
            return Optional.of("the token's API key is over budget");
        }
        return Optional.empty();
    }
}
