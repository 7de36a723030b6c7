package dev.keymint.server.signing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RotationPlanTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration PERIOD = Duration.ofDays(30);
    private static final Duration PRE_PUBLICATION = Duration.ofMinutes(6);
    private static final Duration RETENTION = Duration.ofMinutes(11);

    @Test
    void nothingToDoDuringTheCurrentKeysPeriod() {
        RotationPlan plan = plan(T0.plus(PERIOD).minus(PRE_PUBLICATION).minusSeconds(1), current("a", T0));

        assertThat(plan.isEmpty()).isTrue();
    }

    @Test
    void nextKeyIsPublishedOnePrePublicationWindowBeforeThePeriodEnds() {
        RotationPlan plan = plan(T0.plus(PERIOD).minus(PRE_PUBLICATION), current("a", T0));

        assertThat(plan.publishNext()).isTrue();
        assertThat(plan.promote()).isEmpty();
    }

    @Test
    void nextKeyIsPromotedOnlyAfterItHasBeenPublishedForTheWholeWindow() {
        Instant published = T0.plus(Duration.ofDays(29));
        List<SigningKeyRow> keys = List.of(current("a", T0), next("b", published));

        assertThat(plan(published.plus(PRE_PUBLICATION).minusSeconds(1), keys).promote()).isEmpty();
        assertThat(plan(published.plus(PRE_PUBLICATION), keys).promote()).contains("b");
        assertThat(plan(published.plus(PRE_PUBLICATION), keys).publishNext()).as("one next key at a time").isFalse();
    }

    @Test
    void retiredKeyStaysPublishedUntilEveryTokenItSignedHasExpired() {
        Instant retired = T0.plus(PERIOD);
        List<SigningKeyRow> keys = List.of(retired("a", T0, retired), current("b", retired));

        assertThat(plan(retired.plus(RETENTION).minusSeconds(1), keys).remove()).isEmpty();
        assertThat(plan(retired.plus(RETENTION), keys).remove()).containsExactly("a");
    }

    private static RotationPlan plan(Instant now, SigningKeyRow... keys) {
        return plan(now, List.of(keys));
    }

    private static RotationPlan plan(Instant now, List<SigningKeyRow> keys) {
        return RotationPlan.at(now, keys, PERIOD, PRE_PUBLICATION, RETENTION);
    }

    private static SigningKeyRow current(String kid, Instant activated) {
        return new SigningKeyRow(kid, "RS256", SigningKeyState.CURRENT, "{}", new byte[0], activated, activated, null);
    }

    private static SigningKeyRow next(String kid, Instant created) {
        return new SigningKeyRow(kid, "RS256", SigningKeyState.NEXT, "{}", new byte[0], created, null, null);
    }

    private static SigningKeyRow retired(String kid, Instant activated, Instant retired) {
        return new SigningKeyRow(kid, "RS256", SigningKeyState.RETIRED, "{}", new byte[0], activated, activated, retired);
    }
}
