package dev.keymint.server.usage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The compact set a key hour tracks its scopes and addresses in: a cap that holds past the small array. */
class TrackedEntriesTest {

    @Test
    void admitsNewEntriesUpToTheCapAndThenOnlyTheOnesItHolds() {
        TrackedEntries entries = new TrackedEntries(20);

        assertThat(IntStream.range(0, 20).allMatch(i -> entries.admits("10.0.0." + i))).isTrue();

        assertThat(entries.admits("10.0.0.20")).isFalse();
        assertThat(entries.admits("10.0.0.0")).isTrue();
        assertThat(entries.admits(new String("10.0.0.19"))).isTrue();
        assertThat(entries.admits("10.0.0.20")).isFalse();
    }

    @Test
    void aCapWithinTheSmallArrayHolds() {
        TrackedEntries entries = new TrackedEntries(2);

        assertThat(entries.admits("read:a")).isTrue();
        assertThat(entries.admits("read:b")).isTrue();
        assertThat(entries.admits("read:c")).isFalse();
        assertThat(entries.admits("read:a")).isTrue();
    }

    @Test
    void entriesHeldInTheArrayAreStillFoundOnceTheyMoveToTheSet() {
        TrackedEntries entries = new TrackedEntries(100);
        for (int i = 0; i < TrackedEntries.FEW; i++) {
            entries.admits("scope" + i);
        }

        assertThat(entries.admits("scope" + TrackedEntries.FEW)).isTrue();

        assertThat(IntStream.rangeClosed(0, TrackedEntries.FEW).allMatch(i -> entries.admits(new String("scope" + i)))).isTrue();
    }
}
