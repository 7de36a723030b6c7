package dev.keymint.server.keys;

import java.time.Instant;
import dev.keymint.server.network.CidrRange;
import java.util.List;

/**
 * An API key as the token endpoint sees it: one row of {@code api_keys} with its organization's slug.
 *
 * @param id               public id, the OAuth client_id
 * @param organizationSlug the organization the key belongs to (the token's {@code org} claim)
 * @param secretDigest     SHA-256 of the full key
 * @param scopes           granted scopes, {@code action:filter}
 * @param team             the one team the key is for, or null for all teams
 * @param allowedCidrs     where the key may be used from; empty means anywhere
 * @param rateLimitPerMinute token requests allowed in any rolling 60 seconds, or null for no limit
 * @param quota            tokens that may be issued per period, or null for no quota
 * @param statusIndex      the key's entry in the Token Status Lists, shared by all its tokens; never reused
 * @param apiLimits        API requests per minute and budgets on the usage resource servers report
 * @param overBudgetUntil  while before this, reports showed a budget spent: the key is refused; null if never
 * @param previousSecret   the secret a reroll replaced, or null if the key was never rerolled
 * @param imported         for a key imported with a secret Keymint never saw (see {@link ImportedKeyFormat}); null for
 *                         a key Keymint generated
 * @param audiences        the resources (absolute URIs, {@link Audiences}) its tokens may address, the
 *                         first one by default; empty: the server's default audience only
 */
public record ApiKey(
        String id,
        long organizationId,
        String organizationSlug,
        String name,
        byte[] secretDigest,
        List<String> scopes,
        KeyStatus status,
        String team,
        String owner,
        Instant expiresAt,
        Instant createdAt,
        Instant lastUsedAt,
        List<CidrRange> allowedCidrs,
        Integer rateLimitPerMinute,
        Quota quota,
        Instant revokedAt,
        long statusIndex,
        ApiRequestLimits apiLimits,
        Instant overBudgetUntil,
        PreviousSecret previousSecret,
        List<String> audiences,
        Imported imported) {

    /** A key as it was before rerolls, audiences and imports existed. */
    public ApiKey(String id, long organizationId, String organizationSlug, String name, byte[] secretDigest,
                  List<String> scopes, KeyStatus status, String team, String owner, Instant expiresAt,
                  Instant createdAt, Instant lastUsedAt, List<CidrRange> allowedCidrs, Integer rateLimitPerMinute,
                  Quota quota, Instant revokedAt, long statusIndex, ApiRequestLimits apiLimits,
                  Instant overBudgetUntil) {
        this(id, organizationId, organizationSlug, name, secretDigest, scopes, status, team, owner, expiresAt,
                createdAt, lastUsedAt, allowedCidrs, rateLimitPerMinute, quota, revokedAt, statusIndex, apiLimits,
                overBudgetUntil, null, List.of(), null);
    }

    public ApiKey {
        audiences = audiences == null ? List.of() : List.copyOf(audiences);
        scopes = List.copyOf(scopes);
        apiLimits = apiLimits == null ? ApiRequestLimits.NONE : apiLimits;
        allowedCidrs = allowedCidrs == null ? List.of() : List.copyOf(allowedCidrs);
    }

    /** Whether a request from this address (4 or 16 bytes, or null if unknown) may use the key. */
    public boolean allowsAddress(byte[] address) {
        return allowedCidrs.isEmpty() || allowedCidrs.stream().anyMatch(range -> range.contains(address));
    }

    /** The status that decides whether the key may have a token now: stored status, or expired. */
    public KeyStatus effectiveStatus(Instant now) {
        if (status == KeyStatus.ACTIVE && expiresAt != null && !now.isBefore(expiresAt)) {
            return KeyStatus.EXPIRED;
        }
        return status;
    }

    /** Whether reports have shown a budget of the key spent in the current period. */
    public boolean overBudget(Instant now) {
        return overBudgetUntil != null && now.isBefore(overBudgetUntil);
    }

    /** The masked key as lists show it: the key's prefix and id, never the secret. */
    public String masked() {
        return imported == null ? ApiKeyFormat.masked(id) : imported.masked(id);
    }

    /** An imported key: its secrets start with {@code prefix} (null when the import named none). */
    public record Imported(String prefix) {

        String masked(String id) {
            return (prefix == null ? "" : prefix) + "…";
        }
    }

    /**
     * Which of the key's secrets the presented API key is, at {@code now}: answered from the row
     * alone (the cached one on the token path), with constant-time digest comparisons.
     */
    public SecretMatch match(String presentedKey, Instant now) {
        if (ApiKeyFormat.matches(presentedKey, secretDigest)) {
            return SecretMatch.CURRENT;
        }
        if (previousSecret != null && ApiKeyFormat.matches(presentedKey, previousSecret.digest())) {
            return now.isBefore(previousSecret.expiresAt()) ? SecretMatch.PREVIOUS_IN_GRACE : SecretMatch.REPLACED;
        }
        return SecretMatch.NONE;
    }

    /** How a presented API key relates to a key's secrets. */
    public enum SecretMatch {
        /** The key's current secret. */
        CURRENT,
        /** The secret a reroll replaced, within its grace period: still accepted. */
        PREVIOUS_IN_GRACE,
        /** The secret a reroll replaced, after its grace period: refused, saying so. */
        REPLACED,
        /** Neither. */
        NONE;

        public boolean accepted() {
            return this == CURRENT || this == PREVIOUS_IN_GRACE;
        }
    }

    /**
     * The secret the last reroll replaced: its digest, and when it stops being accepted. At most
     * one is kept; a second reroll replaces it.
     */
    public record PreviousSecret(byte[] digest, Instant expiresAt) {

        @Override
        public String toString() {
            return "PreviousSecret[expiresAt=" + expiresAt + "]";
        }
    }

    @Override
    public String toString() {
        return "ApiKey[id=" + id + ", org=" + organizationSlug + ", status=" + status + "]";
    }
}
