package dev.keymint.server.keys.agents;

import dev.keymint.server.keys.CreatedKey;

/** A new agent and its default key, "Production", whose secret is shown this once. */
public record CreatedAgent(Agent agent, CreatedKey productionKey) {

    @Override
    public String toString() {
        return "CreatedAgent[agent=" + agent.id() + ", productionKey=" + productionKey + "]";
    }
}
