package dev.keymint.sdk.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class HttpFetcherTest {

    @Test
    void maxAgeWhenCacheControlNamesOneThenItAndWhenNoStoreThenZero() {
        assertThat(HttpFetcher.maxAge("public, max-age=300")).contains(Duration.ofSeconds(300));
        assertThat(HttpFetcher.maxAge("no-store")).contains(Duration.ZERO);
        assertThat(HttpFetcher.maxAge("max-age=abc")).isEmpty();
        assertThat(HttpFetcher.maxAge(null)).isEmpty();
    }
}
