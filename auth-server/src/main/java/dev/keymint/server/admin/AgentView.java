package dev.keymint.server.admin;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.keymint.server.keys.agents.Agent;
import java.time.Instant;
import java.util.List;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/** How the admin API shows an agent. Null members are left out. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
record AgentView(String id, String name, String description, List<String> capabilities, String team, String owner,
                 Instant createdAt, Instant updatedAt) {

    static AgentView of(Agent agent) {
        return new AgentView(agent.id(), agent.name(), agent.description(), agent.capabilities(), agent.team(),
                agent.owner(), agent.createdAt(), agent.updatedAt());
    }

    /** The answer to a create: the agent and, this once, its "Production" key with its secret. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Created(@JsonUnwrapped AgentView agent, KeyView.Created productionKey) {
    }
}
