package dev.keymint.server.status;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.keymint.server.signing.SigningKey;
import dev.keymint.server.signing.SigningKeys;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the Status List Token of each list: a JWS with header {@code typ: statuslist+jwt} and the
 * current signing key's {@code kid}; claims {@code sub} (the list's uri), {@code iss}, {@code iat},
 * {@code exp}, {@code ttl} and {@code status_list: {bits: 2, lst}}, {@code lst} being the packed
 * entries ZLIB-compressed at the highest level ({@link SegmentedZlib}), base64url without padding.
 *
 * <p>A signed token is kept per list and re-made only when the list changes, the signing key or
 * issuer changes, or its {@code exp} window moves on. {@code exp} is aligned to windows of half the
 * validity, so every instance holding the same list in the same window gives it the same
 * {@code exp} and the same weak {@code ETag} (made from everything but {@code iat} and the
 * signature): a verifier's {@code If-None-Match} gets a 304 from any instance. Thread-safe.
 *
 * @see <a href="https://datatracker.ietf.org/doc/draft-ietf-oauth-status-list/">Token Status List §5.1</a>
 */
public final class StatusListTokens {

    static final JOSEObjectType STATUSLIST_JWT = new JOSEObjectType("statuslist+jwt");
    private static final Logger log = LoggerFactory.getLogger(StatusListTokens.class);
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private final StatusLists lists;
    private final SigningKeys signingKeys;
    private final Clock clock;
    private final long ttlSeconds;
    private final long windowSeconds;
    private final Map<Long, Served> signed = new ConcurrentHashMap<>();
    /**
     * Per existing list, its compressor, which keeps the segments of the last list it compressed, and
     * the lock under which the list is signed, once per change however many ask.
     */
    private final Map<Long, SegmentedZlib> compressors = new ConcurrentHashMap<>();

    StatusListTokens(StatusLists lists, SigningKeys signingKeys, StatusListProperties properties, Clock clock) {
        this.lists = lists;
        this.signingKeys = signingKeys;
        this.clock = clock;
        this.ttlSeconds = properties.ttl().toSeconds();
        this.windowSeconds = Math.max(1, properties.validity().toSeconds() / 2);
    }

    /** A signed list as served, with its weak entity tag. */
    public record Served(String jwt, String etag, long version, String issuer, String kid, Instant expiresAt) {

        /** Whether it may be served again for this issuer, signing key and exp window (if the list is unchanged). */
        boolean reusableFor(String issuer, SigningKey key, Instant expiresAt) {
            return this.issuer.equals(issuer) && kid.equals(key.kid()) && this.expiresAt.equals(expiresAt);
        }
    }

    /** The list token of this list for this issuer, or empty when the list does not exist. */
    public Optional<Served> serve(String issuer, long listId) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant expiresAt = Instant.ofEpochSecond((now.getEpochSecond() / windowSeconds + 2) * windowSeconds);
        SigningKey key = signingKeys.current();
        Served held = signed.get(listId);
        boolean reusable = held != null && held.reusableFor(issuer, key, expiresAt);
        Optional<StatusLists.Snapshot> snapshot = lists.list(listId, reusable ? held.version() : -1);
        if (snapshot.isEmpty()) {
            signed.remove(listId);
            return Optional.empty();
        }
        if (snapshot.get().packed() == null) {
            return Optional.of(held); // the list has not changed since the kept token was made
        }
        if (snapshot.get().version() < 0) {
            // Read from the database: not kept, and compressed whole (the same bytes a compressor would give).
            return Optional.of(sign(issuer, snapshot.get(), key, now, expiresAt, new SegmentedZlib()));
        }
        // Compressing and signing cost milliseconds: after a change, the verifiers that ask at once
        // wait for one of them to make the new token instead of each making it.
        SegmentedZlib compressor = compressors.computeIfAbsent(listId, id -> new SegmentedZlib());
        synchronized (compressor) {
            Served latest = signed.get(listId);
            if (latest != null && latest.version() >= snapshot.get().version() && latest.reusableFor(issuer, key, expiresAt)) {
                return Optional.of(latest);
            }
            Served made = sign(issuer, snapshot.get(), key, now, expiresAt, compressor);
            signed.put(listId, made);
            return Optional.of(made);
        }
    }

    private Served sign(String issuer, StatusLists.Snapshot list, SigningKey key, Instant now, Instant expiresAt,
                        SegmentedZlib compressor) {
        long started = System.nanoTime();
        String uri = StatusListIndex.uri(issuer, list.listId());
        byte[] compressed = compressor.compress(list.packed());
        long compressedAt = System.nanoTime();
        String lst = BASE64URL.encodeToString(compressed);
        Map<String, Object> statusList = new LinkedHashMap<>();
        statusList.put("bits", StatusListIndex.BITS);
        statusList.put("lst", lst);
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .subject(uri)
                .issuer(issuer)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(expiresAt))
                .claim("ttl", ttlSeconds)
                .claim("status_list", statusList)
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(key.algorithm()).type(STATUSLIST_JWT).keyID(key.kid()).build(),
                claims);
        try {
            jwt.sign(key.signer());
        } catch (JOSEException e) {
            throw new IllegalStateException("Signing status list " + list.listId() + " with key " + key.kid() + " failed", e);
        }
        log.debug("Status list {} signed: {} bytes packed, {} compressed; compress {} us, total {} us", list.listId(),
                list.packed().length, compressed.length, (compressedAt - started) / 1000, (System.nanoTime() - started) / 1000);
        String etag = "W/\"" + digest(String.join("\n", issuer, uri, key.kid(), Long.toString(expiresAt.getEpochSecond()),
                Long.toString(ttlSeconds), lst)) + "\"";
        return new Served(jwt.serialize(), etag, list.version(), issuer, key.kid(), expiresAt);
    }

    private static String digest(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
