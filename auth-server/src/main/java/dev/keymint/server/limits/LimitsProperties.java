package dev.keymint.server.limits;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Rate-limit and quota settings ({@code KEYMINT_LIMITS_SYNC_INTERVAL}); see {@link KeyLimiter}.
 *
 * @param syncInterval how often each instance adds its rate-limit and quota counts to the shared ones and reads
 *                     back the totals; instances may together admit what the others admit in one interval
 *                     beyond a limit
 */
@ConfigurationProperties("keymint.limits")
public record LimitsProperties(@DefaultValue("500ms") Duration syncInterval) {

    public LimitsProperties {
        if (syncInterval.isNegative() || syncInterval.isZero()) {
            throw new IllegalArgumentException("keymint.limits.sync-interval must be positive: " + syncInterval);
        }
    }
}
