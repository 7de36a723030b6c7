package dev.keymint.server.keys.agents;

import dev.keymint.sdk.Scope;
import java.util.List;

/**
 * The settings of an agent to create, already valid in shape.
 *
 * @param team  null: for all teams (or, from a team's token, that team)
 * @param owner the key owner of the agent's keys; may be null
 */
public record NewAgent(String name, String description, List<Scope> capabilities, String team, String owner) {

    public NewAgent {
        capabilities = List.copyOf(capabilities);
    }
}
