package dev.keymint.sdk;

import static dev.keymint.sdk.TokenFixture.ATTACKER_KEY;
import static dev.keymint.sdk.TokenFixture.status;
import static dev.keymint.sdk.TokenFixture.statusListToken;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keymint.sdk.TokenFixture.MutableClock;
import dev.keymint.sdk.TokenRejectedException.Reason;
import dev.keymint.sdk.internal.HttpFetcher;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Token Status List checks against a real issuer on 127.0.0.1 (JWKS and Status List Tokens over
 * HTTP): statuses, refresh in the background, staleness, and lists that must not be accepted.
 */
class StatusListVerificationTest {

    /** Entries of list "1" (2 bits each): idx 3/4 and 7/8 straddle byte boundaries. */
    private static final int[] ENTRIES = {0, 0, 0, 1, 2, 0, 0, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0};

    private final StatusListServer server = StatusListServer.start();
    private final String issuer = server.issuer;

    @AfterEach
    void stop() {
        server.close();
    }

    private String token(Instant now, long idx, String uri) {
        return TokenFixture.token(now).claim("iss", issuer).claim("status", status(idx, uri)).build();
    }

    private String token(long idx) {
        return token(Instant.now(), idx, server.uri("1"));
    }

    private void publish(Instant now, int... entries) {
        server.publish("1", statusListToken(now, issuer, server.uri("1"), 2, entries).build());
    }

    private static Reason reason(TokenVerifier verifier, String token) {
        try {
            verifier.verify(token);
            return null;
        } catch (TokenRejectedException e) {
            return e.reason();
        }
    }

    /** Polls (real time) until the verifier gives {@code expected}; background refreshes make it change. */
    private static void awaitReason(TokenVerifier verifier, String token, Reason expected) throws InterruptedException {
        await(() -> reason(verifier, token) == expected);
        assertThat(reason(verifier, token)).isEqualTo(expected);
    }

    /** Polls for at most 20 s: what happens in the background is awaited, never timed. */
    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    @Test
    void verifyWhenEntriesValidInvalidSuspendedThenAcceptedRevokedSuspended() {
        publish(Instant.now(), ENTRIES);
        TokenVerifier verifier = server.verifier().build();
        for (int idx = 0; idx < ENTRIES.length; idx++) {
            Reason want = switch (ENTRIES[idx]) {
                case 0 -> null;
                case 1 -> Reason.REVOKED;
                default -> Reason.SUSPENDED;
            };
            assertThat(reason(verifier, token(idx))).as("idx %d", idx).isEqualTo(want);
        }
        assertThatThrownBy(() -> verifier.verify(token(3))).isInstanceOfSatisfying(TokenRejectedException.class, e -> {
            assertThat(e.getMessage()).isEqualTo("the token has been revoked");
            assertThat(e.httpStatus()).isEqualTo(401);
        });
        assertThatThrownBy(() -> verifier.verify(token(4))).hasMessage("the token is suspended");
        assertThat(server.requestsFor("1")).as("one fetch serves every verification").isEqualTo(1);
        assertThat(server.gzipped.get()).as("the list came gzip-encoded").isPositive();
    }

    @Test
    void verifyWhenTokenHasNoStatusClaimThenAcceptedWithoutFetchingAList() {
        TokenVerifier verifier = server.verifier().build();
        assertThat(verifier.verify(TokenFixture.token(Instant.now()).claim("iss", issuer).build()).subject()).isEqualTo("key_abc");
        assertThat(server.statusRequests).isEmpty();
    }

    @Test
    void verifyWhenStatusCheckOffThenRevokedTokenAcceptedAndNoListFetched() {
        publish(Instant.now(), ENTRIES);
        TokenVerifier verifier = server.verifier().statusCheck(false).build();
        assertThat(verifier.verify(token(3)).subject()).isEqualTo("key_abc");
        assertThat(server.statusRequests).isEmpty();
    }

    @Test
    void verifyWhenIdxOutsideTheListThenMalformed() {
        publish(Instant.now(), ENTRIES); // 20 entries of 2 bits: 5 bytes, so idx 20..∞ do not exist
        TokenVerifier verifier = server.verifier().build();
        assertThat(reason(verifier, token(19))).isNull();
        assertThatThrownBy(() -> verifier.verify(token(20))).isInstanceOfSatisfying(TokenRejectedException.class, e -> {
            assertThat(e.reason()).isEqualTo(Reason.MALFORMED);
            assertThat(e.getMessage()).isEqualTo("the token's status index 20 is outside its status list of 20 entries");
        });
        assertThat(reason(verifier, token(Long.MAX_VALUE))).isEqualTo(Reason.MALFORMED);
    }

    @Test
    void verifyWhenUriNotUnderTheIssuerThenRejectedWithoutAnyFetch() {
        publish(Instant.now(), ENTRIES);
        TokenVerifier verifier = server.verifier().build();
        int port = URI.create(issuer).getPort();
        List<String> outside = List.of(
                "https://evil.example/oauth/status/1",
                "http://localhost:" + port + "/oauth/status/1",
                issuer + "0/oauth/status/1",                  // another port that starts like the issuer
                issuer + "@evil.example/oauth/status/1",
                issuer,
                issuer + "/oauth/status/../../jwks",
                issuer + "/oauth/status/1?x=1",
                issuer + "/oauth/status/1#x",
                "http://user@127.0.0.1:" + port + "/oauth/status/1",
                "not a uri");
        for (String uri : outside) {
            assertThatThrownBy(() -> verifier.verify(token(Instant.now(), 0, uri))).as(uri)
                    .isInstanceOfSatisfying(TokenRejectedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED));
        }
        assertThat(server.statusRequests).as("nothing fetched for a uri outside the issuer").isEmpty();
    }

    @Test
    void verifyWhenStatusClaimMalformedThenMalformed() {
        TokenVerifier verifier = server.verifier().build();
        String uri = server.uri("1");
        List<Object> claims = List.of("revoked", Map.of("status_list", "x"), Map.of("status_list", Map.of("idx", "3", "uri", uri)),
                Map.of("status_list", Map.of("idx", -1, "uri", uri)), Map.of("status_list", Map.of("idx", 1.5, "uri", uri)),
                Map.of("status_list", Map.of("idx", 1, "uri", 42)), Map.of("status_list", Map.of("uri", uri)));
        for (Object claim : claims) {
            String token = TokenFixture.token(Instant.now()).claim("iss", issuer).claim("status", claim).build();
            assertThat(reason(verifier, token)).as("%s", claim).isEqualTo(Reason.MALFORMED);
        }
        assertThat(server.statusRequests).isEmpty();
    }

    @Test
    void listWhenBadSignatureWrongTypSubIssOrOtherwiseInvalidThenNotAccepted() {
        Instant now = Instant.now();
        Map<String, Function<TokenFixture.TokenBuilder, TokenFixture.TokenBuilder>> variants = Map.of(
                "signature", list -> list.signedWith(ATTACKER_KEY).kid("k1"),
                "typ", list -> list.header("typ", "JWT"),
                "sub", list -> list.claim("sub", server.uri("2")),
                "iss", list -> list.claim("iss", "https://evil.example"),
                "expired", list -> list.claim("exp", now.getEpochSecond() - 3600),
                "bits", list -> list.claim("status_list", Map.of("bits", 3, "lst", TokenFixture.lst(1, 0))),
                "iat", list -> list.claim("iat", null),
                "critical", list -> list.header("crit", List.of("exp")),
                "alg", list -> list.header("alg", "none"),
                "key", list -> list.kid("k9"));
        variants.forEach((problem, change) -> {
            server.publish("1", change.apply(statusListToken(now, issuer, server.uri("1"), 2, ENTRIES)).build());
            TokenVerifier verifier = server.verifier().build();
            assertThatThrownBy(() -> verifier.verify(token(0))).as(problem)
                    .isInstanceOfSatisfying(TokenRejectedException.class, e -> {
                        assertThat(e.reason()).isEqualTo(Reason.STATUS_UNAVAILABLE);
                        assertThat(e.httpStatus()).isEqualTo(503);
                        assertThat(e.getMessage()).contains(problem);
                    });
        });
    }

    @Test
    void listWhenZipBombThenNotAccepted() {
        String bomb = TokenFixture.zlib(new byte[64 * 1024 * 1024]);
        server.publish("1", statusListToken(Instant.now(), issuer, server.uri("1"), 2)
                .claim("status_list", Map.of("bits", 2, "lst", bomb)).build());
        TokenVerifier verifier = server.verifier().build();
        assertThatThrownBy(() -> verifier.verify(token(0))).isInstanceOfSatisfying(TokenRejectedException.class, e -> {
            assertThat(e.reason()).isEqualTo(Reason.STATUS_UNAVAILABLE);
            assertThat(e.getMessage()).contains("inflates to more than 4194304 bytes");
        });
    }

    @Test
    void customFetcherWithoutStatusListSupportThenListsComeThroughItsFetch() {
        String uri = TokenFixture.ISSUER + "/oauth/status/1";
        String list = statusListToken(Instant.now(), TokenFixture.ISSUER, uri, 2, ENTRIES).build();
        List<URI> fetched = new CopyOnWriteArrayList<>();
        JwksFetcher inMemory = u -> {
            fetched.add(u);
            return JwksFetcher.Fetched.of(u.toString().equals(uri) ? list : TokenFixture.jwks(TokenFixture.KEY));
        };
        TokenVerifier verifier = TokenVerifier.forIssuer(TokenFixture.ISSUER).jwksUri(URI.create(TokenFixture.ISSUER + "/jwks"))
                .fetcher(inMemory).build();
        assertThat(reason(verifier, TokenFixture.token(Instant.now()).claim("status", status(3, uri)).build()))
                .isEqualTo(Reason.REVOKED);
        assertThat(reason(verifier, TokenFixture.token(Instant.now()).claim("status", status(0, uri)).build())).isNull();
        assertThat(fetched).contains(URI.create(uri));
    }

    @Test
    void listChangeWhenTtlPassesThenSeenWithoutAnyRequestThreadFetching() throws Exception {
        List<String> fetchThreads = new CopyOnWriteArrayList<>();
        HttpFetcher http = new HttpFetcher(Duration.ofSeconds(2), Duration.ofSeconds(2), 64 * 1024, 1 << 20);
        JwksFetcher recording = new JwksFetcher() {
            @Override
            public Fetched fetch(URI uri) throws IOException {
                return http.fetch(uri);
            }

            @Override
            public Fetched fetchStatusList(URI uri, String etag) throws IOException {
                fetchThreads.add(Thread.currentThread().getName());
                return http.fetchStatusList(uri, etag);
            }
        };
        int[] entries = new int[20];
        server.publish("1", statusListToken(Instant.now(), issuer, server.uri("1"), 2, entries).claim("ttl", 1).build());
        TokenVerifier verifier = server.verifier().fetcher(recording).build();
        String token = token(5);
        assertThat(reason(verifier, token)).isNull();
        await(() -> server.notModified.get() > 0);
        assertThat(server.notModified.get()).as("unchanged list: refreshed with If-None-Match, answered 304").isPositive();
        assertThat(reason(verifier, token)).isNull();
        entries[5] = 1;
        server.publish("1", statusListToken(Instant.now(), issuer, server.uri("1"), 2, entries).claim("ttl", 1).build());
        awaitReason(verifier, token, Reason.REVOKED);
        entries[5] = 0;
        server.publish("1", statusListToken(Instant.now(), issuer, server.uri("1"), 2, entries).claim("ttl", 1).build());
        awaitReason(verifier, token, null);

        String caller = Thread.currentThread().getName();
        assertThat(fetchThreads.get(0)).as("the first fetch of a list").isEqualTo(caller);
        assertThat(fetchThreads.subList(1, fetchThreads.size())).as("every later fetch")
                .isNotEmpty().allMatch("keymint-status-list-refresh"::equals);
    }

    @Test
    void listWhenOlderThanTheOneHeldThenIgnored() throws Exception {
        Instant now = Instant.now();
        server.publish("1", statusListToken(now, issuer, server.uri("1"), 2, ENTRIES).claim("ttl", 1).build());
        TokenVerifier verifier = server.verifier().build();
        assertThat(reason(verifier, token(3))).isEqualTo(Reason.REVOKED);
        int served = server.served.get();
        // e.g. a stale cache in front of the issuer replaying the list from before the revocation
        server.publish("1", statusListToken(now.minusSeconds(60), issuer, server.uri("1"), 2, new int[20]).claim("ttl", 1).build());
        await(() -> server.served.get() > served);
        int requests = server.statusRequests.size();
        // fetches of one list are sequential: once another request arrives, the older list was processed
        await(() -> server.statusRequests.size() > requests);
        assertThat(server.statusRequests.size()).as("the older list was fetched and processed").isGreaterThan(requests);
        assertThat(reason(verifier, token(3))).isEqualTo(Reason.REVOKED);
    }

    @Test
    void staleListWhenWithinBoundThenUsedAndBeyondThenStatusUnavailable() throws Exception {
        MutableClock clock = new MutableClock(Instant.now());
        publish(clock.instant(), ENTRIES);
        TokenVerifier verifier = server.verifier().clock(clock).statusListRefresh(Duration.ofSeconds(1), Duration.ofSeconds(2))
                .statusListStaleness(Duration.ofMinutes(5)).build();
        String valid = token(clock.instant(), 0, server.uri("1"));
        String revoked = token(clock.instant(), 3, server.uri("1"));
        assertThat(reason(verifier, valid)).isNull();

        server.failing = true;
        await(() -> server.failed.get() > 0); // a background refresh has met the outage
        clock.advance(Duration.ofSeconds(2).plusMinutes(4)); // refresh time (2 s) + 4 of the 5 minutes
        assertThat(reason(verifier, valid)).as("last good list, within the bound").isNull();
        assertThat(reason(verifier, revoked)).as("and it still says revoked").isEqualTo(Reason.REVOKED);

        clock.advance(Duration.ofMinutes(1).plusSeconds(1));
        assertThatThrownBy(() -> verifier.verify(valid)).isInstanceOfSatisfying(TokenRejectedException.class, e -> {
            assertThat(e.reason()).isEqualTo(Reason.STATUS_UNAVAILABLE);
            assertThat(e.isServerFailure()).isTrue();
            assertThat(e.getMessage()).contains("too old").contains("500");
        });
        assertThat(reason(verifier, revoked)).isEqualTo(Reason.STATUS_UNAVAILABLE);

        server.failing = false;
        awaitReason(verifier, valid, null); // a background retry recovers; no request fetched
    }

    @Test
    void staleListWhenItsExpPassesThenRefusedBeforeTheStalenessBound() {
        MutableClock clock = new MutableClock(Instant.now());
        server.publish("1", statusListToken(clock.instant(), issuer, server.uri("1"), 2, ENTRIES)
                .claim("exp", clock.instant().getEpochSecond() + 60).build());
        TokenVerifier verifier = server.verifier().clock(clock).statusListRefresh(Duration.ofSeconds(1), Duration.ofSeconds(2))
                .clockSkew(Duration.ofSeconds(5)).build();
        String valid = token(clock.instant(), 0, server.uri("1"));
        assertThat(reason(verifier, valid)).isNull();
        server.failing = true;
        clock.advance(Duration.ofSeconds(64));
        assertThat(reason(verifier, valid)).as("exp + skew not yet passed").isNull();
        clock.advance(Duration.ofSeconds(2));
        assertThat(reason(verifier, valid)).as("exp + skew passed, well within 5 minutes of staleness")
                .isEqualTo(Reason.STATUS_UNAVAILABLE);
    }

    @Test
    void firstFetchWhenIssuerDownThenStatusUnavailableOnceFetchedThenRecoversInTheBackground() throws Exception {
        server.failing = true;
        publish(Instant.now(), ENTRIES);
        TokenVerifier verifier = server.verifier().build();
        String token = token(0);
        for (int i = 0; i < 20; i++) {
            assertThatThrownBy(() -> verifier.verify(token)).isInstanceOfSatisfying(TokenRejectedException.class, e -> {
                assertThat(e.reason()).isEqualTo(Reason.STATUS_UNAVAILABLE);
                assertThat(e.getMessage()).startsWith("the token's status list is unavailable: ").contains("HTTP 500");
            });
        }
        assertThat(server.requestsFor("1")).as("20 verifications, not 20 fetches").isLessThan(20);
        server.failing = false;
        awaitReason(verifier, token, null);
    }

    @Test
    void unknownListWhenIssuerAnswers404ThenStatusUnavailable() {
        TokenVerifier verifier = server.verifier().build();
        assertThatThrownBy(() -> verifier.verify(token(Instant.now(), 0, server.uri("9"))))
                .isInstanceOfSatisfying(TokenRejectedException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.STATUS_UNAVAILABLE);
                    assertThat(e.getMessage()).contains("HTTP 404");
                });
    }

    @Test
    void trackedListsWhenBoundReachedThenAnotherListRefusedWithoutFetch() {
        for (String id : List.of("1", "2", "3")) {
            server.publish(id, statusListToken(Instant.now(), issuer, server.uri(id), 2, ENTRIES).build());
        }
        TokenVerifier verifier = server.verifier().maxStatusLists(2).build();
        assertThat(reason(verifier, token(Instant.now(), 0, server.uri("1")))).isNull();
        assertThat(reason(verifier, token(Instant.now(), 0, server.uri("2")))).isNull();
        assertThatThrownBy(() -> verifier.verify(token(Instant.now(), 0, server.uri("3"))))
                .isInstanceOfSatisfying(TokenRejectedException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.STATUS_UNAVAILABLE);
                    assertThat(e.getMessage()).isEqualTo("more than 2 status lists are in use");
                });
        assertThat(server.requestsFor("3")).isZero();
        assertThat(reason(verifier, token(Instant.now(), 3, server.uri("1")))).as("tracked lists still work")
                .isEqualTo(Reason.REVOKED);
    }

    @Test
    void firstFetchWhenManyThreadsAtOnceThenOneFetch() throws Exception {
        server.publish("1", statusListToken(Instant.now(), issuer, server.uri("1"), 2, ENTRIES).claim("ttl", 3600).build());
        TokenVerifier verifier = server.verifier().statusListRefresh(Duration.ofSeconds(1), Duration.ofHours(1)).build();
        verifier.verify(TokenFixture.token(Instant.now()).claim("iss", issuer).build()); // keys warm: only the list is new
        String token = token(8);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<Reason>> results = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                results.add(pool.submit(() -> reason(verifier, token)));
            }
            for (Future<Reason> result : results) {
                assertThat(result.get(30, TimeUnit.SECONDS)).isEqualTo(Reason.REVOKED);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(server.requestsFor("1")).isEqualTo(1);
    }
}
