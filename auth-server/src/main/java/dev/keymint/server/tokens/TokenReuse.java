package dev.keymint.server.tokens;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.keymint.sdk.Scopes;
import dev.keymint.server.keys.ApiKey;
import dev.keymint.server.signing.SigningKeys;
import dev.keymint.server.tokens.AccessTokenMinter.MintedToken;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * Answers a token request that repeats one answered moments ago (same key, scopes and audience) with
 * the token given out then, and the {@code expires_in} it has left, instead of signing a new one
 * ({@code keymint.tokens.reuse-window}; {@code docs/tokens.md}, "Repeated requests"). Thread-safe.
 *
 * <p>Why: many clients ask for a new token before every call, and the signature is nearly all of a
 * token's cost; a repeated answer costs no signature.
 *
 * <p>A token is given out again only while all of these hold, checked at every request:
 * <ul>
 *   <li>the request's key is the very row ({@code ==}) the token was minted from. The key comes from
 *   {@code ApiKeyCache}, which drops a row as soon as the key change feed announces a change to it
 *   (disable, revoke, delete, reroll, any edit, an agent's new capabilities, an organization's new
 *   slug) and answers from memory only while that feed is confirmed; any other row, changed or merely
 *   read again, gets a new token. So nothing a token carries (scopes granted, {@code org}, {@code team},
 *   {@code status}, {@code api_requests_per_minute}, the key's {@code expires_at}) can be out of date,
 *   and this needs no follower of its own;</li>
 *   <li>the key that signed it is still the current signing key (a rotation ends every reuse);</li>
 *   <li>it was issued less than the window ago (and not after now), and has time left.</li>
 * </ul>
 * Authentication, status, allowed CIDRs, rate limit, quota and budgets are checked before this, on
 * every request: a repeated answer is counted wherever a new token is.
 */
final class TokenReuse implements AccessTokenSource {

    /**
     * Entries live one window and only a signature makes one, about a thousand a second per core (RS256),
     * so a window of a few seconds needs at most some ten thousand. Each holds a token (about a
     * kilobyte) and a key row, so the bound is some 20 MB of heap. A longer window over many keys
     * reaches it; then the requests that repeat least are dropped first: they simply get new tokens.
     */
    private static final int MAX_ENTRIES = 10_000;

    private final AccessTokenSource minter;
    private final SigningKeys signingKeys;
    private final Duration window;
    private final Clock clock;
    private final Cache<Request, Issued> recent;
    private final Counter reused;

    TokenReuse(AccessTokenSource minter, SigningKeys signingKeys, Duration window, Clock clock, MeterRegistry meters) {
        this.minter = minter;
        this.signingKeys = signingKeys;
        this.window = window;
        this.clock = clock;
        this.recent = Caffeine.newBuilder()
                .maximumSize(MAX_ENTRIES)
                .expireAfterWrite(window)
                // Upkeep on the thread that wrote, as in ApiKeyCache: not in the shared ForkJoinPool.
                .executor(Runnable::run)
                .build();
        this.reused = Counter.builder("keymint.tokens.reused")
                .description("Token requests answered with a token issued moments before for the same request "
                        + "(keymint.tokens.reuse-window); also counted in keymint.tokens.issued")
                .register(meters);
    }

    /** The issuer is the server's one issuer ({@link IssuerResolver}), the same for every request. */
    @Override
    public MintedToken token(String issuer, ApiKey key, Scopes scopes, List<String> audience) {
        Request request = new Request(key.id(), scopes, audience);
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Issued issued = recent.getIfPresent(request);
        if (issued != null && issued.answers(key, signingKeys.current().kid(), now, window)) {
            reused.increment();
            return issued.token.repeatedAt(now);
        }
        // Two identical requests at once may both mint; the later token is the one repeated.
        MintedToken minted = minter.token(issuer, key, scopes, audience);
        recent.put(request, new Issued(key, minted));
        return minted;
    }

    /** What a token request asks for, besides the key's own row. */
    private record Request(String keyId, Scopes scopes, List<String> audience) {
    }

    /** A token and the key row it was minted from. */
    private record Issued(ApiKey key, MintedToken token) {

        boolean answers(ApiKey requestKey, String currentKid, Instant now, Duration window) {
            // Identity, not equals: the same row the cache still holds (see the class comment).
            // Not before its iat either: after a step back of the clock, a new token, not one from "the future".
            return key == requestKey && token.kid().equals(currentKid) && !now.isBefore(token.issuedAt())
                    && now.isBefore(token.issuedAt().plus(window)) && now.isBefore(token.expiresAt());
        }
    }
}
