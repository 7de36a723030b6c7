package dev.keymint.sdk.internal;

import dev.keymint.sdk.JwksFetcher;
import dev.keymint.sdk.TokenRejectedException;
import dev.keymint.sdk.TokenRejectedException.Reason;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Checks the {@code status.status_list} claim of verified access tokens against the Status Lists
 * it names, kept in memory and refreshed in the background. Not API.
 *
 * <ul>
 *   <li>The first token naming a list fetches it on the caller's thread (bounded by the fetch
 *       timeouts; concurrent callers wait for that one fetch), like the first JWKS fetch. Every
 *       later fetch runs on a background thread: a verification only reads the decoded list.</li>
 *   <li>A list is refetched every {@code ttl} (its claim, else the response's {@code max-age},
 *       else the upper bound), clamped to [min, max], conditionally with its {@code ETag}.
 *       Failures are retried with a doubling delay from min up to that refresh interval (up to
 *       30 seconds for a list never fetched).</li>
 *   <li>A list is usable until its refresh time plus the staleness bound, and never past its
 *       {@code exp} (plus the clock skew); after that, tokens naming it are refused with
 *       {@link Reason#STATUS_UNAVAILABLE} until a fetch succeeds.</li>
 *   <li>Only uris under the issuer ({@code <issuer>/…}, no query, fragment or dot segments) are
 *       fetched, and at most {@code maxLists} lists are tracked.</li>
 * </ul>
 * Thread-safe: a verification does a {@link ConcurrentHashMap} read and a volatile read of an
 * immutable snapshot, never a lock.
 *
 * @see <a href="https://datatracker.ietf.org/doc/draft-ietf-oauth-status-list/">Token Status List §8 Status List Request, §13.7 Status List Caching</a>
 */
public final class StatusListCache {

    /** Where lists come from, how they are checked and how long they may be used. */
    public record Settings(String issuer, JwksFetcher fetcher, StatusListTokenVerifier tokens, Clock clock,
                           Duration minRefresh, Duration maxRefresh, Duration staleness, Duration clockSkew,
                           int maxLists, int maxBodyBytes, boolean allowPlainHttp) {
    }

    /** One good copy of a list and how long it may be used. */
    private record Snapshot(StatusList list, Instant issuedAt, Instant expiresAt, String etag, Duration lifetime,
                            Instant usableUntil) {
    }

    /**
     * One thread for every verifier of this class loader (see {@link Background}): a refresh is one
     * small GET every few seconds per list.
     */
    private static final class Refresher {
        static final ScheduledThreadPoolExecutor EXECUTOR = Background.executor("keymint-status-list-refresh");
    }

    /** Longest wait between retries of a list never fetched: its tokens are refused meanwhile. */
    private static final Duration NEVER_FETCHED_RETRY = Duration.ofSeconds(30);

    private final Settings settings;
    private final String prefix;
    private final Map<String, Tracked> lists = new ConcurrentHashMap<>();
    private final Object tracking = new Object();

    /** @param settings the validated settings */
    public StatusListCache(Settings settings) {
        this.settings = settings;
        this.prefix = settings.issuer().endsWith("/") ? settings.issuer() : settings.issuer() + "/";
    }

    /**
     * @param statusClaim the token's {@code status} claim, may be null (then nothing is checked)
     * @param now         the current time
     * @throws TokenRejectedException {@link Reason#REVOKED}, {@link Reason#SUSPENDED},
     *                                {@link Reason#MALFORMED} or {@link Reason#STATUS_UNAVAILABLE}
     */
    public void check(Object statusClaim, Instant now) {
        if (statusClaim == null) {
            return;
        }
        if (!(statusClaim instanceof Map<?, ?> status)) {
            throw malformed("the token's status claim is not an object");
        }
        Object reference = status.get("status_list");
        if (reference == null) {
            return; // another status mechanism, none we know
        }
        if (!(reference instanceof Map<?, ?> statusList) || !(statusList.get("idx") instanceof Long idx) || idx < 0
                || !(statusList.get("uri") instanceof String uri)) {
            throw malformed("the token's status_list claim needs a non-negative integer idx and a string uri");
        }
        Tracked tracked = lists.get(uri);
        if (tracked == null) {
            tracked = track(uri);
        }
        Snapshot snapshot = tracked.snapshot;
        if (snapshot == null) {
            tracked.fetchFirst();
            snapshot = tracked.snapshot;
            if (snapshot == null) {
                throw new TokenRejectedException(Reason.STATUS_UNAVAILABLE,
                        "the token's status list is unavailable: " + tracked.lastFailure);
            }
        }
        if (!now.isBefore(snapshot.usableUntil())) {
            String failure = tracked.lastFailure;
            throw new TokenRejectedException(Reason.STATUS_UNAVAILABLE, "the token's status list could not be refreshed"
                    + " and its last copy is too old to use" + (failure == null ? "" : ": " + failure));
        }
        int value = snapshot.list().status(idx);
        switch (value) {
            case 0 -> {
            }
            case 1 -> throw new TokenRejectedException(Reason.REVOKED, "the token has been revoked");
            case 2 -> throw new TokenRejectedException(Reason.SUSPENDED, "the token is suspended");
            case -1 -> throw malformed("the token's status index " + idx + " is outside its status list of "
                    + snapshot.list().size() + " entries");
            default -> throw new TokenRejectedException(Reason.REVOKED, "the token's status is " + value + ", not valid");
        }
    }

    private Tracked track(String uri) {
        URI parsed = underIssuer(uri);
        try {
            Uris.checkFetchable(parsed, "status list uri", settings.allowPlainHttp());
        } catch (IllegalArgumentException e) {
            throw new TokenRejectedException(Reason.STATUS_UNAVAILABLE, "the token's status list cannot be fetched: "
                    + e.getMessage());
        }
        synchronized (tracking) {
            Tracked existing = lists.get(uri);
            if (existing != null) {
                return existing;
            }
            if (lists.size() >= settings.maxLists()) {
                throw new TokenRejectedException(Reason.STATUS_UNAVAILABLE,
                        "more than " + settings.maxLists() + " status lists are in use");
            }
            Tracked created = new Tracked(this, parsed, uri);
            lists.put(uri, created);
            return created;
        }
    }

    /**
     * Why: the uri comes from a signed token, but fetching any uri a token names would let
     * whoever can get a token signed (a compromised key, a misconfigured issuer) point every
     * verifier at an address of their choice. Only the issuer's own paths are fetched.
     */
    private URI underIssuer(String uri) {
        URI parsed;
        try {
            parsed = new URI(uri);
        } catch (URISyntaxException e) {
            throw malformed("the token's status list uri is not a URI");
        }
        if (!uri.startsWith(prefix) || parsed.getRawQuery() != null || parsed.getRawFragment() != null
                || parsed.getRawUserInfo() != null || !parsed.normalize().toString().equals(uri)) {
            throw malformed("the token's status list uri is not under the issuer " + prefix);
        }
        return parsed;
    }

    private static TokenRejectedException malformed(String description) {
        return new TokenRejectedException(Reason.MALFORMED, description);
    }

    /** One list: its current snapshot and the state of its fetches. */
    private static final class Tracked {
        private final StatusListCache owner;
        private final URI uri;
        private final String uriText;
        private final ReentrantLock lock = new ReentrantLock();
        private volatile Snapshot snapshot;
        private volatile boolean firstFetchDone;
        private volatile String lastFailure;
        /** Guarded by lock. */
        private int failures;

        Tracked(StatusListCache owner, URI uri, String uriText) {
            this.owner = owner;
            this.uri = uri;
            this.uriText = uriText;
        }

        /** Fetches on the caller's thread once; later callers only wait for that attempt. */
        void fetchFirst() {
            if (firstFetchDone) {
                return;
            }
            lock.lock();
            try {
                if (firstFetchDone) {
                    return;
                }
                Duration next = refresh();
                firstFetchDone = true;
                Background.repeat(Refresher.EXECUTOR, this, next, owner.settings.maxRefresh(), Tracked::refreshLocked);
            } finally {
                lock.unlock();
            }
        }

        /** Only a weak reference is scheduled, see {@link Background#repeat}. */
        private Duration refreshLocked() {
            lock.lock();
            try {
                return refresh();
            } finally {
                lock.unlock();
            }
        }

        /** @return when to refresh next. Called with the lock held. */
        private Duration refresh() {
            Settings settings = owner.settings;
            Instant now = settings.clock().instant();
            Snapshot current = snapshot;
            String etag = current != null && current.etag() != null
                    && (current.expiresAt() == null || now.isBefore(current.expiresAt())) ? current.etag() : null;
            try {
                JwksFetcher.Fetched fetched = settings.fetcher().fetchStatusList(uri, etag);
                Snapshot next;
                if (fetched.notModified()) {
                    if (etag == null) {
                        throw new IOException("304 Not Modified to an unconditional request");
                    }
                    next = snapshot(current.list(), current.issuedAt(), current.expiresAt(), fetched.etag().orElse(etag),
                            current.lifetime(), now);
                } else {
                    next = verified(fetched, now, current);
                }
                snapshot = next;
                failures = 0;
                lastFailure = null;
                return next.lifetime();
            } catch (IOException | RuntimeException e) {
                lastFailure = e.getMessage();
                failures++;
                Duration ceiling = current != null ? current.lifetime()
                        : NEVER_FETCHED_RETRY.compareTo(settings.maxRefresh()) < 0 ? NEVER_FETCHED_RETRY : settings.maxRefresh();
                Duration backoff = settings.minRefresh().multipliedBy(1L << Math.min(failures - 1, 20));
                return backoff.compareTo(ceiling) < 0 ? backoff : ceiling;
            }
        }

        private Snapshot verified(JwksFetcher.Fetched fetched, Instant now, Snapshot current) throws IOException {
            Settings settings = owner.settings;
            String body = fetched.body();
            if (body.length() > settings.maxBodyBytes()
                    || body.getBytes(StandardCharsets.UTF_8).length > settings.maxBodyBytes()) {
                throw new IOException("the status list is larger than " + settings.maxBodyBytes() + " bytes");
            }
            StatusListTokenVerifier.Verified verified = settings.tokens().verify(body, uriText, now);
            if (current != null && verified.issuedAt().isBefore(current.issuedAt())) {
                // a cache or replay serving an older list must not undo a newer revocation
                throw new IOException("the status list served is older than the one held");
            }
            Duration lifetime = verified.ttl() != null ? verified.ttl() : fetched.maxAge().orElse(settings.maxRefresh());
            return snapshot(verified.list(), verified.issuedAt(), verified.expiresAt(), fetched.etag().orElse(null),
                    lifetime, now);
        }

        private Snapshot snapshot(StatusList list, Instant issuedAt, Instant expiresAt, String etag, Duration lifetime,
                                  Instant now) {
            Settings settings = owner.settings;
            Duration clamped = lifetime.compareTo(settings.minRefresh()) < 0 ? settings.minRefresh()
                    : lifetime.compareTo(settings.maxRefresh()) > 0 ? settings.maxRefresh() : lifetime;
            Instant usableUntil = now.plus(clamped).plus(settings.staleness());
            if (expiresAt != null && expiresAt.plus(settings.clockSkew()).isBefore(usableUntil)) {
                usableUntil = expiresAt.plus(settings.clockSkew());
            }
            return new Snapshot(list, issuedAt, expiresAt, etag, clamped, usableUntil);
        }
    }
}
