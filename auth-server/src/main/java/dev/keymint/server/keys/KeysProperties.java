package dev.keymint.server.keys;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * API key settings ({@code KEYMINT_KEYS_LAST_USED_FLUSH_INTERVAL}); the key cache has its own,
 * {@link dev.keymint.server.keys.cache.KeyCacheProperties}.
 *
 * @param lastUsedFlushInterval how often the keys' last-used times, kept in memory by the token path, are
 *                              written to PostgreSQL; a killed process loses at most this much of them
 */
@ConfigurationProperties("keymint.keys")
public record KeysProperties(@DefaultValue("5s") Duration lastUsedFlushInterval) {

    public KeysProperties {
        if (lastUsedFlushInterval.isNegative() || lastUsedFlushInterval.isZero()) {
            throw new IllegalArgumentException("keymint.keys.last-used-flush-interval must be positive: "
                    + lastUsedFlushInterval);
        }
    }
}
