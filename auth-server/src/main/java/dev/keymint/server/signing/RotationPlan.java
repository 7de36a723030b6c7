package dev.keymint.server.signing;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the scheduled rotation must do now, decided from the stored keys and the clock alone (no
 * I/O, so every rule is unit-tested with fixed times):
 * <ol>
 *   <li>publish a {@code next} key {@code prePublication} before the current key's period ends;
 *   <li>promote a {@code next} key once it has been published for {@code prePublication}
 *       (the current key becomes {@code retired});
 *   <li>remove a {@code retired} key once every token it signed has expired ({@code retention}).
 * </ol>
 */
record RotationPlan(boolean publishNext, Optional<String> promote, List<String> remove) {

    static RotationPlan at(Instant now, List<SigningKeyRow> keys, Duration rotationPeriod, Duration prePublication,
                           Duration retention) {
        Optional<SigningKeyRow> current = keys.stream().filter(k -> k.state() == SigningKeyState.CURRENT).findFirst();
        Optional<SigningKeyRow> next = keys.stream().filter(k -> k.state() == SigningKeyState.NEXT).findFirst();

        boolean publishNext = next.isEmpty() && current.isPresent()
                && !now.isBefore(activated(current.get()).plus(rotationPeriod).minus(prePublication));
        Optional<String> promote = next.filter(k -> !now.isBefore(k.createdAt().plus(prePublication)))
                .map(SigningKeyRow::kid);
        List<String> remove = new ArrayList<>();
        for (SigningKeyRow key : keys) {
            if (key.state() == SigningKeyState.RETIRED && !now.isBefore(key.retiredAt().plus(retention))) {
                remove.add(key.kid());
            }
        }
        return new RotationPlan(publishNext, promote, List.copyOf(remove));
    }

    boolean isEmpty() {
        return !publishNext && promote.isEmpty() && remove.isEmpty();
    }

    private static Instant activated(SigningKeyRow key) {
        return key.activatedAt() != null ? key.activatedAt() : key.createdAt();
    }
}
