package dev.keymint.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keymint.sdk.TokenFixture.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** {@code api_requests_per_minute} enforced by {@link TokenVerifier#verify}. */
class ApiRateLimitTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T15:00:00Z"));

    private TokenVerifier.Builder verifier() {
        return TokenVerifier.forIssuer(TokenFixture.ISSUER).jwks(TokenFixture.jwks(TokenFixture.KEY)).clock(clock);
    }

    private String token(String clientId, Object limit) {
        return TokenFixture.token(clock).claim("client_id", clientId).claim("api_requests_per_minute", limit).build();
    }

    @Test
    void verifyWhenLimitExceededThenRateLimitedWithRetryAfterUntilTheWindowRolls() {
        TokenVerifier verifier = verifier().build();
        String limited = token("key_a", 3);
        verifier.verify(limited);
        clock.advance(Duration.ofSeconds(20));
        verifier.verify(limited);
        verifier.verify(limited);
        assertThatThrownBy(() -> verifier.verify(limited)).isInstanceOfSatisfying(RateLimitedException.class, e -> {
            assertThat(e.retryAfterSeconds()).as("the first request leaves the window 40 s from now").isEqualTo(40);
            assertThat(e.httpStatus()).isEqualTo(429);
            assertThat(e.error()).isEqualTo("rate_limited");
            assertThat(e.clientId()).isEqualTo("key_a");
            assertThat(e.getMessage()).isEqualTo("the API key exceeded its limit of 3 requests per minute");
        });
        assertThat(verifier.verify(token("key_b", 3)).clientId()).as("another key has its own window").isEqualTo("key_b");
        clock.advance(Duration.ofSeconds(40));
        verifier.verify(limited);
        assertThatThrownBy(() -> verifier.verify(limited)).isInstanceOf(RateLimitedException.class);
    }

    @Test
    void verifyWhenClaimAbsentThenUnlimited() {
        TokenVerifier verifier = verifier().build();
        String unlimited = TokenFixture.token(clock).build();
        for (int i = 0; i < 5_000; i++) {
            verifier.verify(unlimited);
        }
    }

    @Test
    void verifyWhenClaimNotAnIntegerInRangeThenMalformed() {
        TokenVerifier verifier = verifier().build();
        for (Object bad : new Object[] {0, -1, 1_000_001, "10", 1.5}) {
            assertThatThrownBy(() -> verifier.verify(token("key_a", bad))).as(String.valueOf(bad))
                    .isInstanceOfSatisfying(TokenRejectedException.class,
                            e -> assertThat(e.reason()).isEqualTo(TokenRejectedException.Reason.MALFORMED));
        }
    }

    @Test
    void verifyWhenLimitOffThenClaimIgnored() {
        TokenVerifier verifier = verifier().apiRateLimit(false).build();
        String limited = token("key_a", 1);
        for (int i = 0; i < 10; i++) {
            verifier.verify(limited);
        }
    }

    @Test
    void verifyWhenTokenOtherwiseInvalidThenItDoesNotUseUpTheLimit() {
        TokenVerifier verifier = verifier().audience("other-api").build();
        String wrongAudience = token("key_a", 1);
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> verifier.verify(wrongAudience)).isInstanceOfSatisfying(TokenRejectedException.class,
                    e -> assertThat(e.reason()).isEqualTo(TokenRejectedException.Reason.WRONG_AUDIENCE));
        }
        TokenVerifier sameProcess = verifier().build();
        sameProcess.verify(token("key_a", 1));
        assertThatThrownBy(() -> sameProcess.verify(token("key_a", 1))).isInstanceOf(RateLimitedException.class);
        assertThat(verifier().build().verify(token("key_a", 1))).as("each verifier counts on its own (per process)").isNotNull();
    }
}
