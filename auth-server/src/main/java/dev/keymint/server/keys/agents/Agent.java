package dev.keymint.server.keys.agents;

import java.time.Instant;
import java.util.List;

/**
 * One row of {@code agents}.
 *
 * @param capabilities the scopes every key of the agent holds, {@code action:filter}
 * @param team         the one team the agent's keys are for, or null for all teams
 * @param owner        who answers for the agent's keys; null if nobody is named
 */
public record Agent(String id, long organizationId, String name, String description, List<String> capabilities,
                    String team, String owner, Instant createdAt, Instant updatedAt) {

    public Agent {
        capabilities = List.copyOf(capabilities);
    }
}
