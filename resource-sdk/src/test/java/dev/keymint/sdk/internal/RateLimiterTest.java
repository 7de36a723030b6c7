package dev.keymint.sdk.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The rolling 60-second window, driven by explicit times. */
class RateLimiterTest {

    @Test
    void acquireWhenLimitReachedThenRefusedUntilTheOldestRequestLeavesTheWindow() {
        RateLimiter limiter = new RateLimiter(10);
        long t = 1_000_000;
        assertThat(limiter.acquire("k", 3, t)).isZero();
        assertThat(limiter.acquire("k", 3, t)).isZero();
        assertThat(limiter.acquire("k", 3, t + 30)).isZero();
        assertThat(limiter.acquire("k", 3, t + 30)).as("2 at t, 1 at t+30: the oldest leaves at t+60").isEqualTo(30);
        assertThat(limiter.acquire("k", 3, t + 59)).isEqualTo(1);
        assertThat(limiter.acquire("other", 3, t + 59)).as("keys are independent").isZero();
        assertThat(limiter.acquire("k", 3, t + 60)).isZero();
        assertThat(limiter.acquire("k", 3, t + 60)).isZero();
        assertThat(limiter.acquire("k", 3, t + 60)).as("the request of t+30 is still in the window").isEqualTo(30);
        assertThat(limiter.acquire("k", 3, t + 200)).as("a long pause empties the window").isZero();
    }

    @Test
    void acquireWhenClockStepsBackThenCountsInTheNewestSecond() {
        RateLimiter limiter = new RateLimiter(10);
        assertThat(limiter.acquire("k", 2, 100)).isZero();
        assertThat(limiter.acquire("k", 2, 90)).isZero();
        assertThat(limiter.acquire("k", 2, 95)).isEqualTo(60);
    }

    @Test
    void acquireWhenTableFullThenIdleKeysMakeRoomElseNewKeysAreNotLimited() {
        RateLimiter limiter = new RateLimiter(2);
        assertThat(limiter.acquire("a", 1, 100)).isZero();
        assertThat(limiter.acquire("b", 1, 100)).isZero();
        assertThat(limiter.acquire("c", 1, 101)).as("no room, a and b active: c is admitted").isZero();
        assertThat(limiter.acquire("c", 1, 101)).isZero();
        assertThat(limiter.unlimitedForLackOfSpace()).isEqualTo(2);
        assertThat(limiter.size()).isEqualTo(2);
        assertThat(limiter.acquire("c", 1, 200)).as("a and b idle for a minute: swept, c tracked").isZero();
        assertThat(limiter.acquire("c", 1, 200)).isEqualTo(60);
        assertThat(limiter.acquire("a", 1, 200)).as("a starts afresh").isZero();
        assertThat(limiter.size()).isEqualTo(2);
    }
}
