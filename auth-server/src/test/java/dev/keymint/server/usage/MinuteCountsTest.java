package dev.keymint.server.usage;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The per-minute counts a key hour gathers between flushes, held from its first minute to its last. */
class MinuteCountsTest {

    @Test
    void countsLandInTheirMinutesInWhateverOrderTheyArrive() {
        MinuteCounts counts = new MinuteCounts();
        counts.add(30, 1);
        counts.add(31, 2);
        counts.add(29, 4);
        counts.add(30, 8);
        counts.add(59, 16);

        long[] hour = counts.perMinute();

        assertThat(hour).hasSize(60);
        assertThat(hour[29]).isEqualTo(4);
        assertThat(hour[30]).isEqualTo(9);
        assertThat(hour[31]).isEqualTo(2);
        assertThat(hour[59]).isEqualTo(16);
        assertThat(hour[0] + hour[28] + hour[32] + hour[58]).isZero();
    }

    @Test
    void aBatchPutBackAddsItsMinutesToWhatArrivedMeanwhile() {
        MinuteCounts putBack = new MinuteCounts();
        putBack.add(0, 3);
        putBack.add(2, 5);
        MinuteCounts meanwhile = new MinuteCounts();
        meanwhile.add(2, 1);
        meanwhile.add(3, 1);

        meanwhile.addAll(putBack);

        assertThat(meanwhile.perMinute()).startsWith(3, 0, 6, 1, 0);
    }

    @Test
    void nothingCountedIsAnHourOfZeros() {
        assertThat(new MinuteCounts().perMinute()).hasSize(60).containsOnly(0);
    }
}
