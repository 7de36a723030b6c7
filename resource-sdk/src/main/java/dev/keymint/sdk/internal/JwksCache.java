package dev.keymint.sdk.internal;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import dev.keymint.sdk.JwksFetcher;
import dev.keymint.sdk.SignatureAlgorithm;
import dev.keymint.sdk.TokenRejectedException;
import dev.keymint.sdk.TokenRejectedException.Reason;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Caches the issuer's JWKS as ready-to-use {@link VerifierKey}s. Not API.
 *
 * <ul>
 *   <li>Fetched lazily on first use, then served from memory: never a fetch per verification.</li>
 *   <li>Lifetime = the response's {@code max-age} (or a default) clamped to [min, max].</li>
 *   <li>Refresh ahead: after 90% of the lifetime one caller refreshes while the others keep
 *       using the current set (no background thread).</li>
 *   <li>Every fetch attempt after the first is at most once per {@code minRefreshInterval},
 *       whatever triggered it (unknown {@code kid}, expiry, failure), so a flood of random kids
 *       or an outage of the issuer cannot become a flood of fetches.</li>
 *   <li>If a refresh fails the expired set is served for at most {@code staleIfError} more.</li>
 * </ul>
 * Thread-safe: readers see an immutable snapshot through a volatile field; fetches are
 * serialized by a lock.
 */
public final class JwksCache {

    /** Where the keys come from and how long they may be kept. */
    public record Settings(String issuer, URI jwksUri, String staticJwks, JwksFetcher fetcher, Clock clock,
                           Set<SignatureAlgorithm> algorithms, Duration defaultLifetime, Duration minLifetime,
                           Duration maxLifetime, Duration minRefreshInterval, Duration staleIfError, int maxJwksBytes,
                           boolean allowPlainHttp) {
    }

    private record Snapshot(Map<String, VerifierKey[]> byKid, VerifierKey[] soleByAlg, Instant expiresAt,
                            Instant refreshAt, Instant staleUntil) {

        VerifierKey find(String kid, SignatureAlgorithm alg) {
            if (kid == null) {
                return soleByAlg[alg.ordinal()];
            }
            VerifierKey[] keys = byKid.get(kid);
            return keys == null ? null : keys[alg.ordinal()];
        }
    }

    private static final int ALGS = SignatureAlgorithm.values().length;

    private final Settings settings;
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicLong fetchCount = new AtomicLong();
    private volatile Snapshot snapshot;
    /** Guarded by lock. */
    private Instant lastAttempt;
    /** Guarded by lock. */
    private URI resolvedJwksUri;
    private volatile String lastFailure;

    /**
     * @param settings the validated settings; with {@code staticJwks} set, nothing is ever fetched
     * @throws IllegalArgumentException if the static JWKS is invalid or has no usable key
     */
    public JwksCache(Settings settings) {
        this.settings = settings;
        this.resolvedJwksUri = settings.jwksUri();
        if (settings.staticJwks() != null) {
            try {
                this.snapshot = snapshot(settings.staticJwks(), Instant.MAX, Instant.MAX, Instant.MAX);
            } catch (IOException e) {
                throw new IllegalArgumentException("static JWKS: " + e.getMessage(), e);
            }
        }
    }

    /** @return how many fetches (metadata and JWKS) were attempted */
    public long fetchCount() {
        return fetchCount.get();
    }

    /**
     * @param kid the token's {@code kid}, or null (then the only key for the algorithm is used)
     * @param alg the token's algorithm, already checked to be allowed
     * @return the key
     * @throws TokenRejectedException {@link Reason#UNKNOWN_KEY} or {@link Reason#JWKS_UNAVAILABLE}
     */
    public VerifierKey key(String kid, SignatureAlgorithm alg) {
        Snapshot current = snapshot;
        Instant now = settings.clock().instant();
        if (current != null && now.isBefore(current.expiresAt())) {
            if (!now.isBefore(current.refreshAt()) && lock.tryLock()) {
                try {
                    current = refreshLocked(current, now);
                } finally {
                    lock.unlock();
                }
            }
            VerifierKey key = current.find(kid, alg);
            if (key != null) {
                return key;
            }
            Snapshot refreshed = refresh(current, now);
            key = refreshed.find(kid, alg);
            if (key != null) {
                return key;
            }
            throw new TokenRejectedException(Reason.UNKNOWN_KEY, "the token's key is not among the issuer's keys");
        }
        Snapshot refreshed = refresh(current, now);
        if (refreshed == null || !now.isBefore(refreshed.staleUntil())) {
            throw new TokenRejectedException(Reason.JWKS_UNAVAILABLE,
                    "the issuer's keys are unavailable" + (lastFailure == null ? "" : ": " + lastFailure));
        }
        VerifierKey key = refreshed.find(kid, alg);
        if (key == null) {
            throw new TokenRejectedException(Reason.UNKNOWN_KEY, "the token's key is not among the issuer's keys");
        }
        return key;
    }

    private Snapshot refresh(Snapshot observed, Instant now) {
        lock.lock();
        try {
            return refreshLocked(observed, now);
        } finally {
            lock.unlock();
        }
    }

    /** Fetches unless another thread already replaced {@code observed} or the rate limit forbids it. */
    private Snapshot refreshLocked(Snapshot observed, Instant now) {
        Snapshot current = snapshot;
        if (current != observed || settings.staticJwks() != null) {
            return current;
        }
        if (lastAttempt != null && now.isBefore(lastAttempt.plus(settings.minRefreshInterval()))) {
            return current;
        }
        lastAttempt = now;
        try {
            Snapshot fresh = fetch(now);
            snapshot = fresh;
            lastFailure = null;
            return fresh;
        } catch (IOException | RuntimeException e) {
            lastFailure = e.getMessage();
            return current;
        }
    }

    private Snapshot fetch(Instant now) throws IOException {
        if (resolvedJwksUri == null) {
            resolvedJwksUri = discover();
        }
        fetchCount.incrementAndGet();
        JwksFetcher.Fetched fetched = settings.fetcher().fetch(resolvedJwksUri);
        Duration lifetime = fetched.maxAge().orElse(settings.defaultLifetime());
        if (lifetime.compareTo(settings.minLifetime()) < 0) {
            lifetime = settings.minLifetime();
        }
        if (lifetime.compareTo(settings.maxLifetime()) > 0) {
            lifetime = settings.maxLifetime();
        }
        Instant expiresAt = now.plus(lifetime);
        Instant refreshAt = now.plus(lifetime.multipliedBy(9).dividedBy(10));
        return snapshot(fetched.body(), expiresAt, refreshAt, expiresAt.plus(settings.staleIfError()));
    }

    private URI discover() throws IOException {
        List<URI> candidates = metadataUris(settings.issuer());
        IOException failure = null;
        for (URI candidate : candidates) {
            fetchCount.incrementAndGet();
            try {
                String body = settings.fetcher().fetch(candidate).body();
                checkSize(body);
                Map<String, Object> metadata = JsonObjectReader.parseObject(body);
                Object issuer = metadata.get("issuer");
                if (!settings.issuer().equals(issuer)) {
                    throw new IOException("metadata at " + candidate + " names another issuer");
                }
                Object jwksUri = metadata.get("jwks_uri");
                if (!(jwksUri instanceof String s)) {
                    throw new IOException("metadata at " + candidate + " has no jwks_uri");
                }
                URI uri = URI.create(s);
                Uris.checkFetchable(uri, "jwks_uri", settings.allowPlainHttp());
                return uri;
            } catch (IOException e) {
                failure = e;
            } catch (IllegalArgumentException e) {
                failure = new IOException("invalid metadata at " + candidate + ": " + e.getMessage(), e);
            }
        }
        throw failure;
    }

    /**
     * @param issuer the issuer URL
     * @return the RFC 8414 §3.1 metadata URL (well-known inserted before the path), then, for an
     *         issuer with a path, the commonly used appended form
     */
    private static List<URI> metadataUris(String issuer) {
        URI uri = URI.create(issuer);
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        if (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        String origin = uri.getScheme() + "://" + uri.getRawAuthority();
        List<URI> out = new ArrayList<>();
        out.add(URI.create(origin + "/.well-known/oauth-authorization-server" + path));
        if (!path.isEmpty()) {
            out.add(URI.create(origin + path + "/.well-known/oauth-authorization-server"));
        }
        return out;
    }

    private void checkSize(String body) throws IOException {
        if (body.length() > settings.maxJwksBytes()
                || body.getBytes(StandardCharsets.UTF_8).length > settings.maxJwksBytes()) {
            throw new IOException("document is larger than " + settings.maxJwksBytes() + " bytes");
        }
    }

    private Snapshot snapshot(String body, Instant expiresAt, Instant refreshAt, Instant staleUntil) throws IOException {
        checkSize(body);
        JWKSet set;
        try {
            set = JWKSet.parse(JsonObjectReader.parseObject(body));
        } catch (ParseException | IllegalArgumentException e) {
            throw new IOException("invalid JWKS: " + e.getMessage(), e);
        }
        Map<String, VerifierKey[]> byKid = new HashMap<>();
        Map<SignatureAlgorithm, List<VerifierKey>> byAlg = new EnumMap<>(SignatureAlgorithm.class);
        for (JWK jwk : set.getKeys()) {
            VerifierKey key = VerifierKey.from(jwk, settings.algorithms());
            if (key == null) {
                continue;
            }
            byAlg.computeIfAbsent(key.algorithm(), a -> new ArrayList<>()).add(key);
            if (key.kid() != null) {
                VerifierKey[] slots = byKid.computeIfAbsent(key.kid(), k -> new VerifierKey[ALGS]);
                if (slots[key.algorithm().ordinal()] == null) {
                    slots[key.algorithm().ordinal()] = key;
                }
            }
        }
        if (byAlg.isEmpty()) {
            throw new IOException("JWKS has no key usable with " + settings.algorithms());
        }
        VerifierKey[] sole = new VerifierKey[ALGS];
        byAlg.forEach((alg, keys) -> {
            if (keys.size() == 1) {
                sole[alg.ordinal()] = keys.get(0);
            }
        });
        return new Snapshot(Map.copyOf(byKid), sole, expiresAt, refreshAt, staleUntil);
    }
}
