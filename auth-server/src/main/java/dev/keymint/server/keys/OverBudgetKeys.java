package dev.keymint.server.keys;

import java.time.Instant;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Refuses keys whose budgets the reported usage has spent: records until when each is over budget
 * and, as for an admin change, returns once every instance's token path refuses them.
 */
@Component
public class OverBudgetKeys {

    private final JdbcApiKeyRepository keys;
    private final KeyChangeBarrier everyInstanceSees;

    OverBudgetKeys(JdbcApiKeyRepository keys, KeyChangeBarrier everyInstanceSees) {
        this.keys = keys;
        this.everyInstanceSees = everyInstanceSees;
    }

    /** In the caller's transaction; the wait follows its commit. */
    public void refuseUntil(Map<String, Instant> untilById) {
        if (untilById.isEmpty()) {
            return;
        }
        keys.setOverBudgetUntil(untilById);
        everyInstanceSees.awaitAfterCommit();
    }
}
