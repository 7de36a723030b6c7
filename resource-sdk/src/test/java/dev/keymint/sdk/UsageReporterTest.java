package dev.keymint.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The usage reporter against a Keymint token and report endpoint on 127.0.0.1, over real HTTP. */
class UsageReporterTest {

    private final UsageServer keymint = UsageServer.start();

    @AfterEach
    void stop() {
        keymint.close();
    }

    private static TokenVerifier verifier(UsageReporter reporter) {
        return TokenVerifier.forIssuer(TokenFixture.ISSUER).jwks(TokenFixture.jwks(TokenFixture.KEY))
                .audience(TokenFixture.AUDIENCE).usageReporter(reporter).build();
    }

    private static String token(String clientId) {
        return TokenFixture.token(Instant.now()).claim("client_id", clientId).claim("sub", clientId).build();
    }

    /** Waits (up to a generous bound, so a broken reporter fails instead of hanging) until the condition holds. */
    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition not reached within 30 s").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    @Test
    void closeWhenRequestsVerifiedThenOneBatchWithExactCountsPerKeyAndOutcome() {
        UsageReporter reporter = keymint.reporter().interval(Duration.ofHours(1)).build();
        TokenVerifier verifier = verifier(reporter);
        String a = token("key_a");
        for (int i = 0; i < 7; i++) {
            VerifiedToken t = verifier.verify(a);
            if (i < 2) {
                assertThatThrownBy(() -> t.require("admin", "keys/1")).isInstanceOf(InsufficientScopeException.class);
                assertThatThrownBy(() -> t.require("admin", "keys/2")).as("a second refusal of the same request")
                        .isInstanceOf(InsufficientScopeException.class);
            } else {
                t.require("read", "projects/42/docs");
            }
        }
        for (int i = 0; i < 3; i++) {
            verifier.verify(token("key_b")).recordCost(1000).recordCost(234);
        }
        String limited = TokenFixture.token(Instant.now()).claim("client_id", "key_c").claim("api_requests_per_minute", 2).build();
        verifier.verify(limited);
        verifier.verify(limited);
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> verifier.verify(limited)).isInstanceOf(RateLimitedException.class);
        }
        String expired = TokenFixture.token(Instant.now().minusSeconds(3600)).claim("client_id", "key_d").build();
        assertThatThrownBy(() -> verifier.verify(expired)).isInstanceOf(TokenRejectedException.class);

        assertThat(keymint.attempts).as("nothing sent before the interval or close").isEmpty();
        reporter.close();

        assertThat(keymint.attempts).hasSize(1);
        assertThat(keymint.totals("key_a")).containsExactly(5, 2, 0, 0);
        assertThat(keymint.totals("key_b")).containsExactly(3, 0, 0, 3 * 1234);
        assertThat(keymint.totals("key_c")).containsExactly(2, 0, 3, 0);
        assertThat(keymint.booked).as("a token refused for another reason is not counted").doesNotContainKey("key_d");
        assertThat(Instant.parse(keymint.lastRequestAt.get("key_a"))).isBetween(Instant.now().minusSeconds(60), Instant.now());
        assertThat(keymint.tokenRequests).containsExactly("grant_type=client_credentials&scope=admin%3Ausage-reports%2F**");
    }

    @Test
    void intervalWhenTrafficContinuesThenBatchesAddUpToExactTotals() throws Exception {
        try (UsageReporter reporter = keymint.reporter().interval(Duration.ofMillis(100)).build()) {
            TokenVerifier verifier = verifier(reporter);
            String a = token("key_a");
            for (int i = 0; i < 2000; i++) {
                verifier.verify(a).recordCost(1);
            }
            await(() -> keymint.totals("key_a")[0] == 2000);
            assertThat(keymint.totals("key_a")).containsExactly(2000, 0, 0, 2000);
            assertThat(keymint.tokensIssued()).as("one token for every report").isEqualTo(1);
        }
    }

    @Test
    void reportWhileInFlightThenSentFromTheReporterThreadAndRequestsDoNotWait() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        keymint.hold = release;
        try (UsageReporter reporter = keymint.reporter().interval(Duration.ofMillis(100)).closeTimeout(Duration.ofSeconds(10)).build()) {
            TokenVerifier verifier = verifier(reporter);
            String a = token("key_a");
            verifier.verify(a);
            keymint.arrived.await(); // a report is held by Keymint now
            List<Thread> sending = Thread.getAllStackTraces().entrySet().stream()
                    .filter(e -> Arrays.stream(e.getValue()).anyMatch(frame -> frame.getClassName().contains("UsageSender")))
                    .map(Map.Entry::getKey).toList();
            assertThat(sending).as("the one thread waiting for Keymint").singleElement()
                    .satisfies(t -> assertThat(t.getName()).isEqualTo("keymint-usage-reporter"))
                    .satisfies(t -> assertThat(t.isDaemon()).isTrue());
            for (int i = 0; i < 100; i++) {
                verifier.verify(a); // completes although Keymint does not answer
            }
            release.countDown();
            await(() -> keymint.totals("key_a")[0] == 101);
        }
    }

    @Test
    void reportsWhenKeymintDownThenSameBatchRetriedAndTotalsExactAfterRecovery() throws Exception {
        try (UsageReporter reporter = keymint.reporter().interval(Duration.ofMillis(100)).build()) {
            TokenVerifier verifier = verifier(reporter);
            String a = token("key_a");
            keymint.failing = true;
            for (int i = 0; i < 50; i++) {
                verifier.verify(a);
            }
            await(() -> keymint.attempts.size() >= 3);
            String first = keymint.attempts.get(0);
            assertThat(keymint.attempts).as("every retry sends the same batch").containsOnly(first);
            for (int i = 0; i < 70; i++) {
                verifier.verify(a); // counted while the first batch waits
            }
            keymint.stop(); // connections refused now
            for (int i = 0; i < 30; i++) {
                verifier.verify(a);
            }
            Thread.sleep(300);
            keymint.failing = false;
            keymint.restart();
            await(() -> keymint.totals("key_a")[0] == 150);
            assertThat(keymint.bookedIds).contains(first).hasSize(keymint.entries.size());
            assertThat(keymint.attempts.stream().distinct().toList()).as("one id per batch, the first one first")
                    .startsWith(first);
            verifier.verify(a);
            await(() -> keymint.totals("key_a")[0] == 151);
        }
    }

    @Test
    void responseLostAfterBookingThenRetryIsAnsweredDuplicateAndNothingIsCountedTwice() throws Exception {
        keymint.loseResponses.set(1);
        try (UsageReporter reporter = keymint.reporter().interval(Duration.ofMillis(100)).build()) {
            TokenVerifier verifier = verifier(reporter);
            String a = token("key_a");
            for (int i = 0; i < 10; i++) {
                verifier.verify(a);
            }
            await(() -> !keymint.duplicates.isEmpty());
            assertThat(keymint.duplicates).containsExactly(keymint.attempts.get(0));
            for (int i = 0; i < 5; i++) {
                verifier.verify(a);
            }
            await(() -> keymint.totals("key_a")[0] == 15);
            assertThat(keymint.duplicates).hasSize(1);
        }
    }

    @Test
    void reporterTokenRejectedThenFetchesANewOneAndDelivers() throws Exception {
        try (UsageReporter reporter = keymint.reporter().interval(Duration.ofMillis(100)).build()) {
            TokenVerifier verifier = verifier(reporter);
            verifier.verify(token("key_a"));
            await(() -> keymint.totals("key_a")[0] == 1);
            keymint.invalidateTokens();
            verifier.verify(token("key_a"));
            await(() -> keymint.totals("key_a")[0] == 2);
            assertThat(keymint.unauthorized.get()).isEqualTo(1);
            assertThat(keymint.tokensIssued()).isEqualTo(2);
        }
    }

    @Test
    void batchRefusedWith4xxThenDroppedNotRetriedAndLaterBatchesDelivered() throws Exception {
        keymint.refuse.set(1);
        try (UsageReporter reporter = keymint.reporter().interval(Duration.ofMillis(100)).build()) {
            TokenVerifier verifier = verifier(reporter);
            verifier.verify(token("key_a"));
            await(() -> keymint.attempts.size() == 1);
            String refused = keymint.attempts.get(0);
            verifier.verify(token("key_a"));
            verifier.verify(token("key_a"));
            await(() -> keymint.totals("key_a")[0] == 2);
            assertThat(keymint.attempts).containsOnlyOnce(refused);
        }
    }

    @Test
    void moreKeysThanMaxKeysThenOnlyMaxKeysReportedAndMemoryStaysBounded() {
        UsageReporter reporter = keymint.reporter().interval(Duration.ofHours(1)).maxKeys(3).build();
        TokenVerifier verifier = verifier(reporter);
        for (String key : List.of("k1", "k2", "k3", "k4", "k5")) {
            verifier.verify(token(key));
        }
        reporter.close();
        assertThat(keymint.booked).containsOnlyKeys("k1", "k2", "k3");
    }

    @Test
    void closeWhenKeymintUnreachableThenReturnsWithinItsTimeout() {
        keymint.stop();
        UsageReporter reporter = keymint.reporter().interval(Duration.ofHours(1)).closeTimeout(Duration.ofSeconds(5)).build();
        verifier(reporter).verify(token("key_a"));
        reporter.close(); // one attempt, refused connection: returns
        reporter.close(); // idempotent
        assertThat(keymint.attempts).isEmpty();
    }

    @Test
    void buildWhenOptionsInvalidThenRefused() {
        assertThatThrownBy(() -> UsageReporter.forIssuer(keymint.issuer).build()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> UsageReporter.forIssuer("http://keymint.example").credentials("a", "b").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("https");
        assertThatThrownBy(() -> keymint.reporter().interval(Duration.ofMillis(10))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> keymint.reporter().maxKeys(0)).isInstanceOf(IllegalArgumentException.class);
        try (UsageReporter reporter = keymint.reporter().interval(Duration.ofHours(1)).build()) {
            VerifiedToken token = verifier(reporter).verify(token("k"));
            assertThatThrownBy(() -> token.recordCost(-1)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
