package dev.keymint.server.keys.agents;

import dev.keymint.server.keys.KeyActor;

/** Where {@link AgentAdministration} records every change to an agent, in the transaction of the change. */
public interface AgentAuditTrail {

    /**
     * @param action {@code agent.create}, {@code agent.update} or {@code agent.delete}
     * @param before the agent before the change; null for a creation
     * @param after  the agent after the change; null for a deletion
     */
    void agentChanged(KeyActor actor, String action, Agent before, Agent after);
}
