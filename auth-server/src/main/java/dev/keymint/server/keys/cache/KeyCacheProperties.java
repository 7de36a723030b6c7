package dev.keymint.server.keys.cache;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The token path's in-memory copy of API key rows ({@code KEYMINT_KEYS_CACHE_ENABLED},
 * {@code KEYMINT_KEYS_CACHE_LEASE}, {@code KEYMINT_KEYS_CACHE_HEARTBEAT},
 * {@code KEYMINT_KEYS_CACHE_MAX_ENTRIES}); see {@link ApiKeyCache}.
 *
 * @param enabled    false: every token request reads its key from PostgreSQL
 * @param lease      how long after its last confirmed round trip to PostgreSQL an instance still
 *                   answers from memory; also the longest an admin change waits for an instance that
 *                   has stopped confirming (crashed, or cut off from the database)
 * @param heartbeat  how often an instance confirms when no change arrives; shorter than the lease
 * @param maxEntries keys held at most; beyond it the least likely to be used again is dropped (and
 *                   read again when it is). The default, 100,000, holds every key in use of a large
 *                   deployment in about 40 MB of heap (some 390 bytes a key, its slug, scopes and
 *                   audiences shared with other keys'; measured with one scope); a million would take
 *                   about 0.4 GB
 */
@ConfigurationProperties("keymint.keys.cache")
public record KeyCacheProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("2s") Duration lease,
        @DefaultValue("500ms") Duration heartbeat,
        @DefaultValue("100000") int maxEntries) {

    public KeyCacheProperties {
        if (heartbeat.isNegative() || heartbeat.isZero() || heartbeat.compareTo(lease) >= 0) {
            throw new IllegalArgumentException("keymint.keys.cache.heartbeat must be positive and shorter than the lease ("
                    + lease + "): " + heartbeat);
        }
        if (maxEntries < 0) {
            throw new IllegalArgumentException("keymint.keys.cache.max-entries must not be negative: " + maxEntries);
        }
    }
}
