package dev.keymint.server.admin;

import dev.keymint.server.keys.ApiKey;
import dev.keymint.server.keys.ApiKeyFormat;
import dev.keymint.server.keys.Budget;
import dev.keymint.server.network.CidrRange;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** How the admin API shows a key: the masked key, never the secret or its hash. */
final class KeyViews {

    private KeyViews() {
    }

    static Map<String, Object> view(ApiKey key, Instant now) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", key.id());
        view.put("client_id", key.id());
        view.put("masked_key", ApiKeyFormat.masked(key.id()));
        view.put("name", key.name());
        view.put("status", key.effectiveStatus(now).databaseValue());
        view.put("scopes", key.scopes());
        view.put("team", key.team());
        view.put("owner", key.owner());
        view.put("expires_at", key.expiresAt());
        view.put("allowed_cidrs", key.allowedCidrs().stream().map(CidrRange::toString).toList());
        view.put("rate_limit_per_minute", key.rateLimitPerMinute());
        view.put("api_requests_per_minute", key.apiLimits().requestsPerMinute());
        view.put("request_budget", budget(key.apiLimits().requestBudget()));
        view.put("cost_budget", budget(key.apiLimits().costBudget()));
        boolean over = key.overBudget(now);
        view.put("over_budget", over);
        // A budget without a reset period is spent until an admin raises or removes it: no time to show.
        view.put("over_budget_until", over && key.overBudgetUntil().isBefore(Budget.NO_RESET) ? key.overBudgetUntil() : null);
        view.put("quota", key.quota() == null ? null
                : Map.of("limit", key.quota().limit(), "period", key.quota().period().databaseValue()));
        view.put("created_at", key.createdAt());
        view.put("last_used_at", key.lastUsedAt());
        view.put("revoked_at", key.revokedAt());
        return view;
    }

    private static Map<String, Object> budget(Budget budget) {
        if (budget == null) {
            return null;
        }
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("limit", budget.limit());
        view.put("period", budget.periodName());
        return view;
    }
}
