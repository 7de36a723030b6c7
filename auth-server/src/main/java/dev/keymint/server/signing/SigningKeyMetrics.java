package dev.keymint.server.signing;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.time.Duration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.stereotype.Component;

/**
 * Signing-key gauges an operator alerts on, from this instance's copy of the keys (no I/O):
 * {@code keymint_signing_key_age_seconds}, how long the current key has signed, and
 * {@code keymint_signing_rotation_due_in_seconds}, how long until the scheduled rotation replaces it
 * (negative once overdue: rotation is not happening, or this instance no longer follows it).
 */
@Component
@ConditionalOnWebApplication
class SigningKeyMetrics implements MeterBinder {

    private final SigningKeys keys;
    private final Duration rotationPeriod;
    private final Clock clock;

    SigningKeyMetrics(SigningKeys keys, SigningProperties properties, Clock clock) {
        this.keys = keys;
        this.rotationPeriod = properties.rotationPeriod();
        this.clock = clock;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("keymint.signing.key.age", this, metrics -> metrics.secondsSinceCurrent())
                .description("Seconds since the current signing key started signing")
                .baseUnit("seconds")
                .register(registry);
        Gauge.builder("keymint.signing.rotation.due.in", this, metrics -> rotationPeriod.toSeconds() - metrics.secondsSinceCurrent())
                .description("Seconds until the scheduled rotation replaces the current signing key; negative when overdue")
                .baseUnit("seconds")
                .register(registry);
    }

    private double secondsSinceCurrent() {
        return Duration.between(keys.currentSince(), clock.instant()).toMillis() / 1000.0;
    }
}
