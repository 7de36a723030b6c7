package dev.keymint.server.keys.agents;

import dev.keymint.sdk.Scope;
import java.util.List;

/**
 * What an edit changes on an agent: each non-null member replaces the agent's value; the description
 * is cleared by {@code clearDescription}. Team and owner are fixed at creation, as the keys made for
 * them are.
 */
public record AgentChange(String name, String description, boolean clearDescription, List<Scope> capabilities) {

    public AgentChange {
        capabilities = capabilities == null ? null : List.copyOf(capabilities);
        if (capabilities != null && capabilities.isEmpty()) {
            throw new IllegalArgumentException("an agent needs at least one capability");
        }
    }

    Agent applyTo(Agent agent) {
        return new Agent(agent.id(), agent.organizationId(), name == null ? agent.name() : name,
                clearDescription ? null : description == null ? agent.description() : description,
                capabilities == null ? agent.capabilities() : capabilities.stream().map(Scope::toString).toList(),
                agent.team(), agent.owner(), agent.createdAt(), agent.updatedAt());
    }
}
