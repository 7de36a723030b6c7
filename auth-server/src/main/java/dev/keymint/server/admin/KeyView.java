package dev.keymint.server.admin;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.keymint.server.keys.ApiKey;
import dev.keymint.server.keys.Budget;
import dev.keymint.server.keys.KeyWarning;
import dev.keymint.server.keys.Quota;
import dev.keymint.server.network.CidrRange;
import java.time.Instant;
import java.util.List;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/** How the admin API shows a key: the masked key, never the secret or its hash. Null members are left out. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
record KeyView(String id, String clientId, String maskedKey, String name, String status, List<String> scopes,
               String team, String owner, Instant expiresAt, List<String> allowedCidrs, Integer rateLimitPerMinute,
               Integer apiRequestsPerMinute, Limit requestBudget, Limit costBudget, boolean overBudget,
               Instant overBudgetUntil, Limit quota, Instant createdAt, Instant lastUsedAt, Instant revokedAt,
               Instant previousSecretExpiresAt, List<String> audiences) {

    static KeyView of(ApiKey key, Instant now) {
        boolean over = key.overBudget(now);
        return new KeyView(key.id(), key.id(), key.masked(), key.name(),
                key.effectiveStatus(now).databaseValue(), key.scopes(), key.team(), key.owner(), key.expiresAt(),
                key.allowedCidrs().stream().map(CidrRange::toString).toList(), key.rateLimitPerMinute(),
                key.apiLimits().requestsPerMinute(), Limit.of(key.apiLimits().requestBudget()),
                Limit.of(key.apiLimits().costBudget()), over,
                // A budget without a reset period is spent until an admin raises or removes it: no time to show.
                over && key.overBudgetUntil().isBefore(Budget.NO_RESET) ? key.overBudgetUntil() : null,
                Limit.of(key.quota()), key.createdAt(), key.lastUsedAt(), key.revokedAt(),
                key.previousSecret() == null ? null : key.previousSecret().expiresAt(), key.audiences());
    }

    /** A quota or budget: {@code {"limit": n, "period": "day"}}. */
    record Limit(long limit, String period) {

        static Limit of(Quota quota) {
            return quota == null ? null : new Limit(quota.limit(), quota.period().databaseValue());
        }

        static Limit of(Budget budget) {
            return budget == null ? null : new Limit(budget.limit(), budget.periodName());
        }
    }

    /**
     * The answer to an edit: the key as it is now (or would be, for a dry run) and what the edit
     * takes from the key's callers of the last 24 hours, in plain words.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Edited(@JsonUnwrapped KeyView key, boolean dryRun, List<KeyWarning> warnings) {
    }

    /** The answer to a create: the key's view and, this once, the API key itself. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Created(@JsonUnwrapped KeyView key, String apiKey) {
    }
}
