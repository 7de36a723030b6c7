package dev.keymint.server.keys;

import java.time.Instant;

/**
 * Whether the usage reported so far has spent a key's budgets: asked when an update changes them,
 * so that a raised budget lifts a refusal at once and a lowered one may start it. Implemented on
 * the usage side, which holds the reports.
 */
public interface SpentBudgets {

    /** Until when the key (with the budgets it has after the change) is over budget; null when it is not. */
    Instant overBudgetUntil(ApiKey key, Instant now);
}
