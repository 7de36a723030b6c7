package dev.keymint.server.usage;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Usage-count settings ({@code KEYMINT_USAGE_FLUSH_INTERVAL}); see {@link UsageRecorder} and {@link KeyUseRecorder}.
 *
 * @param flushInterval how often the token requests counted in memory (and the issued tokens' scopes,
 *                      addresses and minutes) are written to PostgreSQL; a killed process loses at most
 *                      this much of the counts
 */
@ConfigurationProperties("keymint.usage")
public record UsageProperties(@DefaultValue("5s") Duration flushInterval) {

    public UsageProperties {
        if (flushInterval.isNegative() || flushInterval.isZero()) {
            throw new IllegalArgumentException("keymint.usage.flush-interval must be positive: " + flushInterval);
        }
    }
}
