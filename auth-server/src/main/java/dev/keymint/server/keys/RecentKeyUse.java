package dev.keymint.server.keys;

import java.time.Instant;
import java.util.Map;

/**
 * What a key's callers did in a recent window: what an edit that narrows the key would take from
 * them ({@link EditWarnings}).
 *
 * @param tokensByScope          tokens issued, per scope they carried
 * @param untrackedScopeTokens   tokens whose scopes were past the tracking cap: not in {@code tokensByScope}
 * @param tokensByAddress        tokens issued, per client address that obtained them
 * @param untrackedAddressTokens tokens from addresses past the tracking cap: not in {@code tokensByAddress}
 * @param tokens                 tokens issued
 * @param peakTokensPerMinute    the most tokens issued in one calendar minute
 * @param busiestHourApiRequests the most API requests resource servers reported in one hour
 */
public record RecentKeyUse(Map<String, Long> tokensByScope, long untrackedScopeTokens,
                           Map<String, Long> tokensByAddress, long untrackedAddressTokens,
                           long tokens, long peakTokensPerMinute, long busiestHourApiRequests) {

    public RecentKeyUse {
        tokensByScope = Map.copyOf(tokensByScope);
        tokensByAddress = Map.copyOf(tokensByAddress);
    }

    /**
     * Where the keys package reads it, without knowing how it is gathered (the usage side records
     * it on the token path and implements this).
     */
    public interface Source {

        /** The key's use since {@code since}, including what this instance has not written yet. */
        RecentKeyUse since(ApiKey key, Instant since);
    }
}
