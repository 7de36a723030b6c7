package dev.keymint.sdk;

import static dev.keymint.sdk.TokenFixture.ISSUER;
import static dev.keymint.sdk.TokenFixture.KEY;
import static dev.keymint.sdk.TokenFixture.OTHER_KEY;
import static dev.keymint.sdk.TokenFixture.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keymint.sdk.TokenFixture.MutableClock;
import dev.keymint.sdk.TokenRejectedException.Reason;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** JWKS discovery, caching, refresh and failure behaviour, driven by an injected fetcher and clock. */
class JwksCachingTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final FakeFetcher fetcher = new FakeFetcher(TokenFixture.jwks(KEY));

    private TokenVerifier.Builder builder() {
        return TokenVerifier.forIssuer(ISSUER).jwksUri(URI.create(ISSUER + "/jwks")).fetcher(fetcher).clock(clock);
    }

    private static Reason reason(Runnable r) {
        try {
            r.run();
            return null;
        } catch (TokenRejectedException e) {
            return e.reason();
        }
    }

    @Test
    void verifyWhenManyTokensThenJwksFetchedOnce() {
        TokenVerifier verifier = builder().build();
        assertThat(fetcher.count()).as("nothing fetched at build time").isZero();
        for (int i = 0; i < 500; i++) {
            verifier.verify(token(clock).build());
        }
        assertThat(fetcher.count()).isEqualTo(1);
        assertThat(verifier.fetchCount()).isEqualTo(1);
    }

    @Test
    void discoveryWhenNoJwksUriThenReadFromRfc8414Metadata() {
        fetcher.metadata = "{\"issuer\":\"" + ISSUER + "\",\"jwks_uri\":\"https://keys.example.com/k.json\"}";
        TokenVerifier verifier = TokenVerifier.forIssuer(ISSUER).fetcher(fetcher).clock(clock).build();
        verifier.verify(token(clock).build());
        assertThat(fetcher.fetched).containsExactly(
                URI.create("https://auth.example.com/.well-known/oauth-authorization-server"),
                URI.create("https://keys.example.com/k.json"));
    }

    @Test
    void discoveryWhenIssuerHasPathThenWellKnownInsertedBeforePathThenAppended() {
        TokenVerifier verifier = TokenVerifier.forIssuer("https://a.example/tenant1/").fetcher(fetcher).clock(clock).build();

        assertThatThrownBy(() -> verifier.verify(token(clock).claim("iss", "https://a.example/tenant1/").build()))
                .isInstanceOfSatisfying(TokenRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.JWKS_UNAVAILABLE));
        assertThat(fetcher.fetched).containsExactly(
                URI.create("https://a.example/.well-known/oauth-authorization-server/tenant1"),
                URI.create("https://a.example/tenant1/.well-known/oauth-authorization-server"));
    }

    @Test
    void discoveryWhenMetadataNamesOtherIssuerThenJwksUnavailable() {
        fetcher.metadata = "{\"issuer\":\"https://evil.example\",\"jwks_uri\":\"https://evil.example/k.json\"}";
        TokenVerifier verifier = TokenVerifier.forIssuer(ISSUER).fetcher(fetcher).clock(clock).build();
        assertThat(reason(() -> verifier.verify(token(clock).build()))).isEqualTo(Reason.JWKS_UNAVAILABLE);
        assertThat(fetcher.fetched).noneMatch(u -> u.getHost().equals("evil.example"));
    }

    @Test
    void unknownKidFloodThenFetchesStayBounded() {
        TokenVerifier verifier = builder().build();
        verifier.verify(token(clock).build());
        Random random = new Random(7);
        int rejected = 0;
        for (int i = 0; i < 1000; i++) {
            clock.advance(Duration.ofMillis(50)); // 1000 tokens over 50 s
            String kid = Long.toHexString(random.nextLong());
            String jwt = token(clock).kid(kid).build();
            if (reason(() -> verifier.verify(jwt)) == Reason.UNKNOWN_KEY) {
                rejected++;
            }
        }
        assertThat(rejected).isEqualTo(1000);
        // first fetch + at most one per 30 s over 50 s
        assertThat(fetcher.count()).isLessThanOrEqualTo(3);
    }

    @Test
    void rotationWhenNewKidPublishedThenPickedUpWithoutRestart() {
        TokenVerifier verifier = builder().build();
        verifier.verify(token(clock).build());
        fetcher.jwks = TokenFixture.jwks(KEY, OTHER_KEY);
        clock.advance(Duration.ofSeconds(31));
        VerifiedToken rotated = verifier.verify(token(clock).signedWith(OTHER_KEY).build());
        assertThat(rotated.subject()).isEqualTo("key_abc");
        assertThat(fetcher.count()).isEqualTo(2);
        // old key still published: old tokens keep working
        verifier.verify(token(clock).build());
        assertThat(fetcher.count()).isEqualTo(2);
    }

    @Test
    void unknownKidWhenRefreshedRecentlyThenRejectedWithoutFetch() {
        TokenVerifier verifier = builder().build();
        verifier.verify(token(clock).build());
        fetcher.jwks = TokenFixture.jwks(KEY, OTHER_KEY);
        clock.advance(Duration.ofSeconds(5));
        assertThat(reason(() -> verifier.verify(token(clock).signedWith(OTHER_KEY).build()))).isEqualTo(Reason.UNKNOWN_KEY);
        assertThat(fetcher.count()).isEqualTo(1);
    }

    @Test
    void maxAgeWhenPresentThenHonouredWithRefreshAhead() {
        fetcher.maxAge = Duration.ofSeconds(600);
        TokenVerifier verifier = builder().build();
        verifier.verify(token(clock).build());
        clock.advance(Duration.ofSeconds(500));
        verifier.verify(token(clock).build());
        assertThat(fetcher.count()).as("within max-age").isEqualTo(1);
        clock.advance(Duration.ofSeconds(45)); // 545 s > 90% of 600 s
        verifier.verify(token(clock).build());
        assertThat(fetcher.count()).as("refreshed ahead of expiry").isEqualTo(2);
        clock.advance(Duration.ofSeconds(500));
        verifier.verify(token(clock).build());
        assertThat(fetcher.count()).isEqualTo(2);
    }

    @Test
    void maxAgeWhenTooSmallOrTooLargeThenClamped() {
        fetcher.maxAge = Duration.ZERO;
        TokenVerifier verifier = builder().build();
        verifier.verify(token(clock).build());
        clock.advance(Duration.ofSeconds(50));
        verifier.verify(token(clock).build());
        assertThat(fetcher.count()).as("max-age 0 clamped to 1 min").isEqualTo(1);

        FakeFetcher longLived = new FakeFetcher(TokenFixture.jwks(KEY));
        longLived.maxAge = Duration.ofDays(30);
        TokenVerifier other = TokenVerifier.forIssuer(ISSUER).jwksUri(URI.create(ISSUER + "/jwks"))
                .fetcher(longLived).clock(clock).build();
        other.verify(token(clock).build());
        clock.advance(Duration.ofDays(1).plusSeconds(1));
        other.verify(token(clock).build());
        assertThat(longLived.count()).as("max-age 30 days clamped to 1 day").isEqualTo(2);
    }

    @Test
    void refreshWhenIssuerDownThenStaleKeysServedForBoundedTime() {
        fetcher.maxAge = Duration.ofSeconds(60);
        TokenVerifier verifier = builder().staleIfError(Duration.ofMinutes(10)).build();
        verifier.verify(token(clock).build());
        fetcher.failing = true;
        clock.advance(Duration.ofMinutes(5));
        assertThat(verifier.verify(token(clock).build())).as("stale set served").isNotNull();
        int attempts = fetcher.count();
        for (int i = 0; i < 100; i++) {
            verifier.verify(token(clock).build());
        }
        assertThat(fetcher.count()).as("no fetch per verification during an outage").isEqualTo(attempts);
        clock.advance(Duration.ofMinutes(6));
        assertThat(reason(() -> verifier.verify(token(clock).build()))).isEqualTo(Reason.JWKS_UNAVAILABLE);
        fetcher.failing = false;
        clock.advance(Duration.ofSeconds(31));
        assertThat(verifier.verify(token(clock).build())).as("recovers").isNotNull();
    }

    @Test
    void firstFetchWhenIssuerDownThenUnavailableAndRetriesRateLimited() {
        fetcher.failing = true;
        TokenVerifier verifier = builder().build();
        for (int i = 0; i < 50; i++) {
            assertThat(reason(() -> verifier.verify(token(clock).build()))).isEqualTo(Reason.JWKS_UNAVAILABLE);
        }
        assertThat(fetcher.count()).isEqualTo(1);
        assertThatThrownBy(() -> verifier.verify(token(clock).build()))
                .isInstanceOfSatisfying(TokenRejectedException.class, e -> {
                    assertThat(e.isServerFailure()).isTrue();
                    assertThat(e.httpStatus()).isEqualTo(503);
                });
        fetcher.failing = false;
        clock.advance(Duration.ofSeconds(31));
        assertThat(verifier.verify(token(clock).build())).isNotNull();
        assertThat(fetcher.count()).isEqualTo(2);
    }

    @Test
    void jwksWhenLargerThanLimitThenUnavailable() {
        fetcher.jwks = TokenFixture.jwks(KEY).replace("{\"keys\"", "{\"pad\":\"" + "x".repeat(70_000) + "\",\"keys\"");
        TokenVerifier verifier = builder().build();
        assertThat(reason(() -> verifier.verify(token(clock).build()))).isEqualTo(Reason.JWKS_UNAVAILABLE);
    }

    @Test
    void verifyWhenManyThreadsShareOneVerifierThenAllSucceedWithOneFetch() throws Exception {
        TokenVerifier verifier = builder().build();
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            tokens.add(token(clock).claim("sub", "key_" + i).build());
        }
        AtomicInteger ok = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 2000; i++) {
                        String jwt = tokens.get((thread + i) % tokens.size());
                        VerifiedToken token = verifier.verify(jwt);
                        if (token.subject().equals("key_" + ((thread + i) % tokens.size()))) {
                            ok.incrementAndGet();
                        }
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(ok.get()).isEqualTo(16 * 2000);
        assertThat(fetcher.count()).isEqualTo(1);
    }
}
