package dev.keymint.server.usage;

import dev.keymint.server.keys.ApiKey;
import dev.keymint.server.keys.ApiRequestLimits;
import dev.keymint.server.keys.Budget;
import dev.keymint.server.keys.SpentBudgets;
import dev.keymint.server.usage.JdbcApiUsageRepository.Spent;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Decides from reported usage whether a key has spent a budget: allowed API requests against the
 * request budget, reported cost against the cost budget, each over its current period. A spent
 * key is over budget until the latest end of the periods of the budgets it has spent; nothing is
 * written when that time passes (the key is compared with the clock).
 */
@Component
public class ApiBudgets implements SpentBudgets {

    private final JdbcApiUsageRepository usage;

    public ApiBudgets(JdbcApiUsageRepository usage) {
        this.usage = usage;
    }

    /**
     * When each over-budget key among {@code keys} is refused until; keys with no spent budget are
     * left out. One query for all of them.
     */
    public Map<String, Instant> overBudgetUntil(List<ApiKey> keys, Instant now) {
        Map<String, Instant[]> from = new HashMap<>();
        Map<String, ApiRequestLimits> limits = new HashMap<>();
        for (ApiKey key : keys) {
            ApiRequestLimits keyLimits = key.apiLimits();
            if (keyLimits.hasBudget()) {
                limits.put(key.id(), keyLimits);
                from.put(key.id(), new Instant[] {start(keyLimits.requestBudget(), now), start(keyLimits.costBudget(), now)});
            }
        }
        Map<String, Spent> spent = usage.spent(from);
        Map<String, Instant> over = new HashMap<>();
        limits.forEach((id, keyLimits) -> {
            Spent keySpent = spent.getOrDefault(id, new Spent(0, 0));
            Instant until = later(spentUntil(keyLimits.requestBudget(), keySpent.requests(), now),
                    spentUntil(keyLimits.costBudget(), keySpent.cost(), now));
            if (until != null) {
                over.put(id, until);
            }
        });
        return over;
    }

    /** A key's over-budget time after its budgets changed: null when no budget is spent now. */
    @Override
    public Instant overBudgetUntil(ApiKey key, Instant now) {
        return overBudgetUntil(List.of(key), now).get(key.id());
    }

    private static Instant start(Budget budget, Instant now) {
        return budget == null ? Budget.NO_RESET : budget.periodStart(now);
    }

    private static Instant spentUntil(Budget budget, long spent, Instant now) {
        return budget != null && spent >= budget.limit() ? budget.periodEnd(now) : null;
    }

    private static Instant later(Instant a, Instant b) {
        if (a == null || b == null) {
            return a == null ? b : a;
        }
        return a.isAfter(b) ? a : b;
    }
}
