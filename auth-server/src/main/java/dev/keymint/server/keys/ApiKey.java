package dev.keymint.server.keys;

import java.time.Instant;
import java.util.List;

/**
 * An API key as the token endpoint sees it: one row of {@code api_keys} with its organization's slug.
 *
 * @param id               public id, the OAuth client_id
 * @param organizationSlug the organization the key belongs to (the token's {@code org} claim)
 * @param secretDigest     SHA-256 of the full key
 * @param scopes           granted scopes, {@code action:filter}
 * @param team             the one team the key is for, or null for all teams
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
        Instant lastUsedAt) {

    public ApiKey {
        scopes = List.copyOf(scopes);
    }

    /** The status that decides whether the key may have a token now: stored status, or expired. */
    public KeyStatus effectiveStatus(Instant now) {
        if (status == KeyStatus.ACTIVE && expiresAt != null && !now.isBefore(expiresAt)) {
            return KeyStatus.EXPIRED;
        }
        return status;
    }

    @Override
    public String toString() {
        return "ApiKey[id=" + id + ", org=" + organizationSlug + ", status=" + status + "]";
    }
}
