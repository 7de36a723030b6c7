package dev.keymint.sdk;

import dev.keymint.sdk.TokenRejectedException.Reason;
import dev.keymint.sdk.internal.AccessTokenClaims;
import dev.keymint.sdk.internal.ApiKeyExchange;
import dev.keymint.sdk.internal.ApiKeyShape;
import dev.keymint.sdk.internal.AccessTokenParser;
import dev.keymint.sdk.internal.HttpFetcher;
import dev.keymint.sdk.internal.JwksCache;
import dev.keymint.sdk.internal.RateLimiter;
import dev.keymint.sdk.internal.StatusListCache;
import dev.keymint.sdk.internal.StatusListTokenVerifier;
import dev.keymint.sdk.internal.UsageCounter;
import dev.keymint.sdk.internal.Uris;
import dev.keymint.sdk.internal.VerifierKey;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Verifies Keymint access tokens offline against the issuer's published keys. Immutable and
 * thread-safe: build one per issuer at start-up and share it.
 *
 * <pre>{@code
 * TokenVerifier verifier = TokenVerifier.forIssuer("https://auth.example.com")
 *         .audience("billing-api").organization("acme")
 *         .build();
 * VerifiedToken token = verifier.verify(request.getHeader("Authorization"));
 * token.require("write", "projects/42/invoices/7");
 * }</pre>
 *
 * <p>Checks, in order: length (before any parsing), compact JWS shape, {@code alg} among the
 * configured {@link SignatureAlgorithm}s, {@code typ} {@code at+jwt}, no {@code crit}, the key
 * named by {@code kid} from the issuer's JWKS only ({@code jku}, {@code x5u}, {@code jwk} and
 * {@code x5c} headers are ignored), the signature, then the claims: {@code iss} exactly the
 * issuer; {@code exp}, {@code iat} and {@code nbf} with the clock skew; {@code aud} containing
 * the configured audience; {@code org} equal to the configured organization; {@code sub},
 * {@code client_id}, {@code jti} present; {@code scope}, if present, valid {@link Scopes}; last,
 * when the token has a {@code status.status_list} claim, its entry in that Token Status List
 * (on by default, see {@link Builder#statusCheck(boolean)}); then, when it has an
 * {@code api_requests_per_minute} claim, its key's request rate in this process
 * ({@link RateLimitedException}, see {@link Builder#apiRateLimit(boolean)}). With a
 * {@link Builder#usageReporter(UsageReporter) usage reporter}, each outcome is counted for Keymint.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9068#section-4">RFC 9068 §4 Validating JWT Access Tokens</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8725#section-3.1">RFC 8725 §3.1 Perform Algorithm Verification</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8414#section-3">RFC 8414 §3 Obtaining Authorization Server Metadata</a>
 * @see <a href="https://datatracker.ietf.org/doc/draft-ietf-oauth-status-list/">Token Status List §8.3 Validation Rules</a>
 */
public final class TokenVerifier {

    private final String issuer;
    private final Set<SignatureAlgorithm> algorithms;
    private final Clock clock;
    private final AccessTokenParser parser;
    private final AccessTokenClaims claims;
    private final JwksCache keys;
    /** Null when status checks are off. */
    private final StatusListCache statusLists;
    /** Null when {@code api_requests_per_minute} is not enforced. */
    private final RateLimiter rateLimiter;
    /** Null without a usage reporter. */
    private final UsageCounter usage;
    /** Null unless API keys are accepted as Bearer tokens. */
    private final ApiKeyExchange apiKeys;

    private TokenVerifier(Builder b, JwksCache keys, StatusListCache statusLists, ApiKeyExchange apiKeys) {
        this.issuer = b.issuer;
        this.algorithms = Collections.unmodifiableSet(EnumSet.copyOf(b.algorithms));
        this.clock = b.clock;
        this.parser = new AccessTokenParser(algorithms, SignatureAlgorithm::fromJwsName, b.maxTokenLength);
        this.claims = new AccessTokenClaims(b.issuer, b.audience, b.organization, b.clockSkew);
        this.keys = keys;
        this.statusLists = statusLists;
        this.rateLimiter = b.apiRateLimit ? new RateLimiter(b.maxRateLimitedKeys) : null;
        this.usage = b.usageReporter != null ? b.usageReporter.counter() : null;
        this.apiKeys = apiKeys;
    }

    /**
     * Starts configuring a verifier for the tokens of one issuer.
     *
     * @param issuer the exact {@code iss} value, e.g. {@code https://auth.example.com}; its
     *               RFC 8414 metadata names the JWKS unless {@link Builder#jwksUri} or
     *               {@link Builder#jwks} is given
     * @return a builder
     * @throws IllegalArgumentException if the issuer is null or blank
     */
    public static Builder forIssuer(String issuer) {
        if (issuer == null || issuer.isBlank()) {
            throw new IllegalArgumentException("issuer cannot be null or blank");
        }
        return new Builder(issuer);
    }

    /**
     * Verifies a token.
     *
     * @param bearerHeaderOrToken an {@code Authorization} header value ({@code Bearer eyJ…}) or
     *                            the bare token
     * @return the verified token
     * @throws TokenRejectedException if the token is not accepted ({@link Reason#REVOKED} and
     *                                {@link Reason#SUSPENDED} from its status list), or (with
     *                                {@link Reason#JWKS_UNAVAILABLE}, {@link Reason#STATUS_UNAVAILABLE})
     *                                the keys or a current status list cannot be obtained
     * @throws RateLimitedException   if the token's key exceeded its {@code api_requests_per_minute}
     * @see #verify(String, String) API keys as Bearer tokens: this method exchanges them for an
     *      unknown caller, so keys with allowed CIDRs are refused
     */
    public VerifiedToken verify(String bearerHeaderOrToken) {
        return verify(bearerHeaderOrToken, null);
    }

    /**
     * Verifies a token or, with {@link Builder#apiKeys(boolean) apiKeys(true)}, an API key sent as a
     * Bearer token: the key is exchanged at Keymint's token endpoint for a token (once, then cached),
     * which is verified as any token. The caller's address is sent along, so that the key's allowed
     * CIDRs apply to the caller and not to this server.
     *
     * @param bearerHeaderOrToken an {@code Authorization} header value or the bare token or key
     * @param callerAddress       the original caller's IP address (e.g. {@code getRemoteAddr()}), or
     *                            null when unknown (then a key with allowed CIDRs is refused)
     * @return the verified token
     * @throws TokenRejectedException as {@link #verify(String)}; for a key also {@link Reason#MALFORMED}
     *                                (wrong shape or checksum, no network call), {@link Reason#API_KEY_REFUSED}
     *                                (the token endpoint's reason) and {@link Reason#TOKEN_ENDPOINT_UNAVAILABLE}
     * @throws RateLimitedException   as {@link #verify(String)}
     */
    public VerifiedToken verify(String bearerHeaderOrToken, String callerAddress) {
        if (apiKeys != null && bearerHeaderOrToken != null) {
            String value = bearerHeaderOrToken.regionMatches(true, 0, "Bearer ", 0, 7)
                    ? bearerHeaderOrToken.substring(7).strip() : bearerHeaderOrToken.strip();
            if (ApiKeyShape.isKeyAttempt(value)) {
                return verifyToken(apiKeys.accessToken(value, callerAddress));
            }
        }
        return verifyToken(bearerHeaderOrToken);
    }

    private VerifiedToken verifyToken(String bearerHeaderOrToken) {
        AccessTokenParser.Parsed token = parser.parse(bearerHeaderOrToken);
        VerifierKey key = keys.key(token.kid(), token.algorithm());
        if (!key.verify(token.signingInput(), token.signature())) {
            throw new TokenRejectedException(Reason.BAD_SIGNATURE, "the token's signature is invalid");
        }
        Instant now = clock.instant();
        AccessTokenClaims.Checked checked = claims.check(token.claims(), now);
        if (statusLists != null) {
            statusLists.check(checked.all().get("status"), now); // the only check that may fetch (once per list)
        }
        long second = now.getEpochSecond();
        if (rateLimiter != null) {
            // last: only valid tokens use up the limit
            admit(checked.clientId(), AccessTokenClaims.requestsPerMinute(checked.all().get("api_requests_per_minute")),
                    second);
        }
        if (usage != null) {
            usage.allowed(checked.clientId(), second);
        }
        return new VerifiedToken(token.algorithm(), token.kid(), checked, usage);
    }

    /** @param limit the token's {@code api_requests_per_minute}, 0 when it has none */
    private void admit(String clientId, int limit, long second) {
        if (limit == 0) {
            return;
        }
        int wait = rateLimiter.acquire(clientId, limit, second);
        if (wait > 0) {
            if (usage != null) {
                usage.refusedRate(clientId, second);
            }
            throw new RateLimitedException(clientId, limit, wait);
        }
    }

    /** @return the issuer this verifier accepts */
    public String issuer() {
        return issuer;
    }

    /** @return the accepted algorithms */
    public Set<SignatureAlgorithm> algorithms() {
        return algorithms;
    }

    /**
     * @return how many metadata and JWKS fetches this verifier has attempted, e.g. for a gauge: after
     *         the first verification it grows only with key rotations, unknown {@code kid}s and outages
     */
    public long fetchCount() {
        return keys.fetchCount();
    }

    /** @return how many API keys this verifier has exchanged at the token endpoint (0 without {@link Builder#apiKeys}) */
    public long apiKeyExchangeCount() {
        return apiKeys == null ? 0 : apiKeys.exchangeCount();
    }

    /**
     * Configures a {@link TokenVerifier}. Not thread-safe; {@link #build()} checks the
     * combination and returns an immutable verifier.
     *
     * @see <a href="https://www.rfc-editor.org/rfc/rfc9068#section-4">RFC 9068 §4</a>
     */
    public static final class Builder {

        private final String issuer;
        private URI jwksUri;
        private boolean allowPlainHttp;
        private String staticJwks;
        private JwksFetcher fetcher;
        private String audience;
        private String organization;
        private Set<SignatureAlgorithm> algorithms = EnumSet.of(SignatureAlgorithm.RS256);
        private Duration clockSkew = Duration.ofSeconds(30);
        private Clock clock = Clock.systemUTC();
        private int maxTokenLength = 8 * 1024;
        private Duration defaultCacheLifetime = Duration.ofMinutes(5);
        private Duration minCacheLifetime = Duration.ofMinutes(1);
        private Duration maxCacheLifetime = Duration.ofDays(1);
        private Duration minRefreshInterval = Duration.ofSeconds(30);
        private Duration staleIfError = Duration.ofHours(1);
        private Duration connectTimeout;
        private Duration readTimeout;
        private int maxJwksSize = 64 * 1024;
        private boolean statusCheck = true;
        private Duration minStatusRefresh = Duration.ofSeconds(1);
        private Duration maxStatusRefresh = Duration.ofMinutes(5);
        private Duration statusStaleness = Duration.ofMinutes(5);
        private int maxStatusLists = 64;
        private int maxStatusListSize = 4 * 1024 * 1024;
        private boolean apiRateLimit = true;
        private int maxRateLimitedKeys = 100_000;
        private UsageReporter usageReporter;
        private boolean acceptApiKeys;
        private URI tokenEndpoint;
        private int maxApiKeys = 10_000;

        private Builder(String issuer) {
            this.issuer = issuer;
        }

        /**
         * Uses this JWKS URL instead of discovering it from the issuer's RFC 8414 metadata.
         *
         * @param jwksUri an https URL (http only for localhost)
         * @return this builder
         */
        public Builder jwksUri(URI jwksUri) {
            this.jwksUri = Objects.requireNonNull(jwksUri, "jwksUri cannot be null");
            return this;
        }

        /**
         * Allows plain {@code http} for discovery and the JWKS on any host, e.g. a token server
         * reached inside a private network ({@code http://keymint:8080}). Off by default: then http
         * is accepted only for loopback hosts, because a JWKS fetched in clear can be replaced.
         *
         * @return this builder
         */
        public Builder allowPlainHttp() {
            this.allowPlainHttp = true;
            return this;
        }

        /**
         * Uses these fixed keys and never fetches keys (tests, air-gapped deployments). Status
         * lists are still fetched, with the built-in HTTP client, unless
         * {@link #statusCheck(boolean) statusCheck(false)}.
         *
         * @param jwkSetJson a JWK Set document (RFC 7517 §5) with public keys
         * @return this builder
         */
        public Builder jwks(String jwkSetJson) {
            this.staticJwks = Objects.requireNonNull(jwkSetJson, "jwkSetJson cannot be null");
            return this;
        }

        /**
         * Replaces the built-in HTTP client for metadata and JWKS fetches.
         *
         * @param fetcher a thread-safe fetcher
         * @return this builder
         */
        public Builder fetcher(JwksFetcher fetcher) {
            this.fetcher = Objects.requireNonNull(fetcher, "fetcher cannot be null");
            return this;
        }

        /**
         * Requires {@code aud} to contain this value (RFC 9068 §4 step 4). Recommended. With Keymint,
         * use an absolute URI listed in the key's {@code audiences}: clients then ask for it as
         * {@code resource} (RFC 8707), and {@link #apiKeys(boolean) exchanged API keys} do so by themselves.
         *
         * @param audience the resource server's identifier
         * @return this builder
         */
        public Builder audience(String audience) {
            this.audience = nonBlank(audience, "audience");
            return this;
        }

        /**
         * Requires {@code org} to equal this organization slug.
         *
         * @param organization the organization slug
         * @return this builder
         */
        public Builder organization(String organization) {
            this.organization = nonBlank(organization, "organization");
            return this;
        }

        /**
         * Sets the accepted algorithms (default {@link SignatureAlgorithm#RS256} only).
         *
         * @param algorithms one or more algorithms
         * @return this builder
         */
        public Builder algorithms(SignatureAlgorithm... algorithms) {
            Objects.requireNonNull(algorithms, "algorithms cannot be null");
            if (algorithms.length == 0) {
                throw new IllegalArgumentException("algorithms cannot be empty");
            }
            Set<SignatureAlgorithm> set = EnumSet.noneOf(SignatureAlgorithm.class);
            for (SignatureAlgorithm a : algorithms) {
                set.add(Objects.requireNonNull(a, "algorithms cannot contain null"));
            }
            this.algorithms = set;
            return this;
        }

        /**
         * Tolerance for clock differences when checking {@code exp}, {@code nbf}, {@code iat}
         * (default 30 seconds, at most 5 minutes).
         *
         * @param clockSkew the skew
         * @return this builder
         */
        public Builder clockSkew(Duration clockSkew) {
            this.clockSkew = range(clockSkew, "clockSkew", Duration.ZERO, Duration.ofMinutes(5));
            return this;
        }

        /**
         * The clock for token lifetimes and key cache expiry (default {@link Clock#systemUTC()}).
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock cannot be null");
            return this;
        }

        /**
         * Longest accepted token, checked before any parsing (default 8192 characters).
         *
         * @param maxTokenLength between 256 and 65536
         * @return this builder
         */
        public Builder maxTokenLength(int maxTokenLength) {
            if (maxTokenLength < 256 || maxTokenLength > 65536) {
                throw new IllegalArgumentException("maxTokenLength must be between 256 and 65536");
            }
            this.maxTokenLength = maxTokenLength;
            return this;
        }

        /**
         * Bounds for how long a fetched JWKS is used: its {@code Cache-Control: max-age} is
         * clamped to [min, max] (defaults 1 minute and 1 day).
         *
         * @param min shortest lifetime
         * @param max longest lifetime
         * @return this builder
         */
        public Builder cacheLifetime(Duration min, Duration max) {
            this.minCacheLifetime = range(min, "min cache lifetime", Duration.ofSeconds(1), Duration.ofDays(7));
            this.maxCacheLifetime = range(max, "max cache lifetime", Duration.ofSeconds(1), Duration.ofDays(7));
            return this;
        }

        /**
         * Lifetime of a JWKS response without {@code max-age} (default 5 minutes; clamped as well).
         *
         * @param lifetime the lifetime
         * @return this builder
         */
        public Builder defaultCacheLifetime(Duration lifetime) {
            this.defaultCacheLifetime = range(lifetime, "default cache lifetime", Duration.ofSeconds(1), Duration.ofDays(7));
            return this;
        }

        /**
         * Smallest time between two fetch attempts after the first, whatever triggers them
         * (an unknown {@code kid}, a failed refresh). Default 30 seconds.
         *
         * @param interval the interval
         * @return this builder
         */
        public Builder minRefreshInterval(Duration interval) {
            this.minRefreshInterval = range(interval, "minRefreshInterval", Duration.ofMillis(1), Duration.ofHours(1));
            return this;
        }

        /**
         * How long past its expiry a JWKS is still used while refreshes fail (default 1 hour).
         *
         * @param staleIfError the bound; zero disables stale use
         * @return this builder
         */
        public Builder staleIfError(Duration staleIfError) {
            this.staleIfError = range(staleIfError, "staleIfError", Duration.ZERO, Duration.ofDays(7));
            return this;
        }

        /**
         * Connect timeout of the built-in HTTP fetcher (default 2 seconds).
         *
         * @param timeout the timeout
         * @return this builder
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = range(timeout, "connectTimeout", Duration.ofMillis(1), Duration.ofMinutes(1));
            return this;
        }

        /**
         * Read timeout of the built-in HTTP fetcher (default 2 seconds).
         *
         * @param timeout the timeout
         * @return this builder
         */
        public Builder readTimeout(Duration timeout) {
            this.readTimeout = range(timeout, "readTimeout", Duration.ofMillis(1), Duration.ofMinutes(1));
            return this;
        }

        /**
         * Largest accepted metadata or JWKS document (default 64 KiB).
         *
         * @param bytes between 1 KiB and 4 MiB
         * @return this builder
         */
        public Builder maxJwksSize(int bytes) {
            if (bytes < 1024 || bytes > 4 * 1024 * 1024) {
                throw new IllegalArgumentException("maxJwksSize must be between 1 KiB and 4 MiB");
            }
            this.maxJwksSize = bytes;
            return this;
        }

        /**
         * Checks, for every token with a {@code status.status_list} claim, its entry in that Token
         * Status List (default on). A token whose entry is {@code INVALID} is refused with
         * {@link Reason#REVOKED}, {@code SUSPENDED} with {@link Reason#SUSPENDED}; a token without
         * the claim is not checked. The list's {@code uri} must be under the issuer
         * ({@code <issuer>/…}); lists are fetched in the background, so a verification never
         * waits for the network except for the first token naming a list.
         *
         * @param enabled false to accept tokens whatever their status says (revocation then
         *                takes effect only when tokens expire)
         * @return this builder
         */
        public Builder statusCheck(boolean enabled) {
            this.statusCheck = enabled;
            return this;
        }

        /**
         * Bounds for how often a status list is refetched: its {@code ttl} claim (or
         * {@code max-age}) clamped to [min, max]. Defaults 1 second and 5 minutes.
         *
         * @param min shortest interval, at least 1 second
         * @param max longest interval, at most 1 hour
         * @return this builder
         */
        public Builder statusListRefresh(Duration min, Duration max) {
            this.minStatusRefresh = range(min, "min status list refresh", Duration.ofSeconds(1), Duration.ofHours(1));
            this.maxStatusRefresh = range(max, "max status list refresh", Duration.ofSeconds(1), Duration.ofHours(1));
            return this;
        }

        /**
         * How long past its refresh time the last good copy of a status list is still used while
         * refreshes fail (default 5 minutes; never past the list's {@code exp}). After it, tokens
         * naming the list are refused with {@link Reason#STATUS_UNAVAILABLE}. This is the longest
         * a revoked token can still be accepted during an outage of the issuer, on top of the
         * list's {@code ttl}.
         *
         * @param staleness between zero and 1 day
         * @return this builder
         */
        public Builder statusListStaleness(Duration staleness) {
            this.statusStaleness = range(staleness, "statusListStaleness", Duration.ZERO, Duration.ofDays(1));
            return this;
        }

        /**
         * Most status lists tracked at once (default 64); a token naming one more is refused
         * with {@link Reason#STATUS_UNAVAILABLE}.
         *
         * @param lists between 1 and 10000
         * @return this builder
         */
        public Builder maxStatusLists(int lists) {
            if (lists < 1 || lists > 10_000) {
                throw new IllegalArgumentException("maxStatusLists must be between 1 and 10000");
            }
            this.maxStatusLists = lists;
            return this;
        }

        /**
         * Largest decompressed status list (default 4 MiB: 16 million entries at 2 bits).
         * Decompression stops as soon as it is exceeded and the list is not accepted.
         *
         * @param bytes between 1 KiB and 64 MiB
         * @return this builder
         */
        public Builder maxStatusListSize(int bytes) {
            if (bytes < 1024 || bytes > 64 * 1024 * 1024) {
                throw new IllegalArgumentException("maxStatusListSize must be between 1 KiB and 64 MiB");
            }
            this.maxStatusListSize = bytes;
            return this;
        }

        /**
         * Enforces the {@code api_requests_per_minute} claim Keymint puts in the tokens of keys with an
         * API request limit (default on): at most that many verified requests per key in any rolling
         * 60 seconds (one-second steps), counted in this verifier. Further requests get
         * {@link RateLimitedException} (429 with {@code Retry-After}). A token without the claim is
         * not limited. N resource-server processes (or verifiers) each allow the full limit, so a key
         * may make up to N times as many requests in total.
         *
         * @param enabled false to ignore the claim
         * @return this builder
         */
        public Builder apiRateLimit(boolean enabled) {
            this.apiRateLimit = enabled;
            return this;
        }

        /**
         * Most keys with an {@code api_requests_per_minute} claim tracked at once (default 100,000; about
         * 300 bytes each). Keys idle for a minute make room; a key finding no room is not limited
         * until there is (its token is still verified).
         *
         * @param keys between 1 and 10,000,000
         * @return this builder
         */
        public Builder maxRateLimitedKeys(int keys) {
            if (keys < 1 || keys > 10_000_000) {
                throw new IllegalArgumentException("maxRateLimitedKeys must be between 1 and 10000000");
            }
            this.maxRateLimitedKeys = keys;
            return this;
        }

        /**
         * Counts every verification outcome for Keymint: allowed, refused for scope
         * ({@link VerifiedToken#require}), refused for rate ({@link RateLimitedException}), and the cost
         * recorded with {@link VerifiedToken#recordCost(long)}. Tokens refused for any other reason are
         * not counted (they may not come from the key they name). Off by default: then nothing is
         * counted and no thread runs. Several verifiers may share one reporter.
         *
         * @param reporter the reporter
         * @return this builder
         */
        public Builder usageReporter(UsageReporter reporter) {
            this.usageReporter = Objects.requireNonNull(reporter, "reporter cannot be null");
            return this;
        }

        /**
         * Also accepts Keymint API keys ({@code kmk_…}) as Bearer tokens (default off). A key of the
         * wrong shape or checksum is refused at once; a well-formed one is exchanged at
         * {@link #tokenEndpoint(URI) the token endpoint} ({@code client_credentials}) for an access
         * token of the same key, which is kept until shortly before it expires and verified as any
         * token (status list, scopes, rate limit). A refusal carries the endpoint's reason
         * ({@link Reason#API_KEY_REFUSED}); an unreachable endpoint is {@link Reason#TOKEN_ENDPOINT_UNAVAILABLE}
         * (503). Pass the caller's address to {@link TokenVerifier#verify(String, String)}: Keymint
         * checks a key's allowed CIDRs against it when this server is one of its trusted proxies.
         *
         * @param enabled true to accept API keys
         * @return this builder
         */
        public Builder apiKeys(boolean enabled) {
            this.acceptApiKeys = enabled;
            return this;
        }

        /**
         * Where API keys are exchanged (default {@code <issuer>/oauth/token}, Keymint's token endpoint).
         *
         * @param tokenEndpoint an https URL (http only for localhost or with {@link #allowPlainHttp()})
         * @return this builder
         */
        public Builder tokenEndpoint(URI tokenEndpoint) {
            this.tokenEndpoint = Objects.requireNonNull(tokenEndpoint, "tokenEndpoint cannot be null");
            return this;
        }

        /**
         * Most tokens of exchanged API keys kept at once (default 10,000), one per key and caller address.
         *
         * @param entries between 1 and 1,000,000
         * @return this builder
         */
        public Builder maxApiKeys(int entries) {
            if (entries < 1 || entries > 1_000_000) {
                throw new IllegalArgumentException("maxApiKeys must be between 1 and 1000000");
            }
            this.maxApiKeys = entries;
            return this;
        }

        /**
         * @return the verifier
         * @throws IllegalStateException    if options contradict each other
         * @throws IllegalArgumentException if the issuer is not an https URL (http only for
         *                                  localhost) while keys must be fetched, or the fixed
         *                                  JWKS holds no usable key
         */
        public TokenVerifier build() {
            if (staticJwks != null && (jwksUri != null || fetcher != null
                    || (!statusCheck && (connectTimeout != null || readTimeout != null)))) {
                throw new IllegalStateException("jwks(...) fixes the keys; jwksUri and fetcher cannot be combined with it,"
                        + " nor timeouts unless status lists are checked");
            }
            if (fetcher != null && (connectTimeout != null || readTimeout != null)) {
                throw new IllegalStateException("connectTimeout/readTimeout configure the built-in fetcher; set them on your own fetcher");
            }
            if (minCacheLifetime.compareTo(maxCacheLifetime) > 0) {
                throw new IllegalStateException("min cache lifetime " + minCacheLifetime + " exceeds max " + maxCacheLifetime);
            }
            if (minStatusRefresh.compareTo(maxStatusRefresh) > 0) {
                throw new IllegalStateException("min status list refresh " + minStatusRefresh + " exceeds max " + maxStatusRefresh);
            }
            if (jwksUri != null) {
                Uris.checkFetchable(jwksUri, "jwksUri", allowPlainHttp);
            } else if (staticJwks == null) {
                Uris.checkFetchable(URI.create(issuer), "issuer (used for metadata discovery)", allowPlainHttp);
            }
            // A signed, ZLIB-compressed list is base64url in a JWS: 4/3 of the compressed size, which
            // is at most the decompressed size plus a little, plus header and signature.
            int maxStatusListBody = maxStatusListSize / 3 * 4 + 16 * 1024;
            JwksFetcher effectiveFetcher = fetcher != null ? fetcher : new HttpFetcher(
                    connectTimeout != null ? connectTimeout : Duration.ofSeconds(2),
                    readTimeout != null ? readTimeout : Duration.ofSeconds(2), maxJwksSize, maxStatusListBody);
            Set<SignatureAlgorithm> accepted = Collections.unmodifiableSet(EnumSet.copyOf(algorithms));
            JwksCache cache = new JwksCache(new JwksCache.Settings(issuer, jwksUri, staticJwks, effectiveFetcher, clock,
                    accepted, defaultCacheLifetime, minCacheLifetime,
                    maxCacheLifetime, minRefreshInterval, staleIfError, maxJwksSize, allowPlainHttp));
            StatusListCache statusLists = !statusCheck ? null : new StatusListCache(new StatusListCache.Settings(issuer,
                    effectiveFetcher, new StatusListTokenVerifier(issuer, cache, accepted,
                    SignatureAlgorithm::fromJwsName, clockSkew, maxStatusListSize),
                    clock, minStatusRefresh, maxStatusRefresh, statusStaleness, clockSkew, maxStatusLists,
                    maxStatusListBody, allowPlainHttp));
            return new TokenVerifier(this, cache, statusLists, apiKeyExchange());
        }

        /** @return null unless API keys are accepted */
        private ApiKeyExchange apiKeyExchange() {
            if (!acceptApiKeys) {
                if (tokenEndpoint != null) {
                    throw new IllegalStateException("tokenEndpoint is where API keys are exchanged; set apiKeys(true) as well");
                }
                return null;
            }
            URI endpoint = tokenEndpoint != null ? tokenEndpoint
                    : URI.create((issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer) + "/oauth/token");
            Uris.checkFetchable(endpoint, "tokenEndpoint", allowPlainHttp); // the API key travels over it
            Duration timeout = connectTimeout != null ? connectTimeout : Duration.ofSeconds(2);
            return new ApiKeyExchange(new ApiKeyExchange.Settings(endpoint,
                    readTimeout != null && readTimeout.compareTo(timeout) > 0 ? readTimeout : timeout, clock, maxApiKeys,
                    audience));
        }

        private static String nonBlank(String value, String name) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(name + " cannot be null or blank");
            }
            return value;
        }

        private static Duration range(Duration value, String name, Duration min, Duration max) {
            Objects.requireNonNull(value, name + " cannot be null");
            if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
                throw new IllegalArgumentException(name + " must be between " + min + " and " + max);
            }
            return value;
        }
    }
}
