package dev.keymint.server.admin;

import static dev.keymint.server.admin.KeyRequests.SCOPE_TEXT;

import dev.keymint.sdk.Scope;
import dev.keymint.server.admin.FieldRules.Expiry;
import dev.keymint.server.admin.FieldRules.Label;
import dev.keymint.server.admin.FieldRules.NotCleared;
import dev.keymint.server.admin.FieldRules.ScopeText;
import dev.keymint.server.keys.agents.AgentChange;
import dev.keymint.server.keys.agents.NewAgent;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/** The bodies of {@code /admin/v1/agents}, read by {@link JsonBodies} with the rules of {@link KeyRequests}. */
final class AgentRequests {

    static final String DESCRIPTION_TEXT = "must be at most 1000 characters";

    private AgentRequests() {
    }

    /** {@code POST /admin/v1/agents}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record NewAgentBody(
            @NotNull(message = "is required") @Label String name,
            @Size(max = 1000, message = DESCRIPTION_TEXT) String description,
            @NotNull(message = "is required") @Size(min = 1, max = FieldRules.MAX_LIST, message = "must hold 1-100 scopes")
            List<@NotNull(message = SCOPE_TEXT) @Size(min = 1, max = Scope.MAX_LENGTH, message = SCOPE_TEXT) @ScopeText String> capabilities,
            @Label String team,
            @Label String owner) {

        NewAgent agent() {
            return new NewAgent(KeyRequests.label(name), description, KeyRequests.scopes(capabilities),
                    KeyRequests.label(team), KeyRequests.label(owner));
        }
    }

    /** {@code PATCH /admin/v1/agents/{id}}: a member left out keeps its value; {@code null} clears the description. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record AgentPatch(
            @NotCleared Patch<@Label String> name,
            Patch<@Size(max = 1000, message = DESCRIPTION_TEXT) String> description,
            @NotCleared Patch<@Size(min = 1, max = FieldRules.MAX_LIST, message = "must hold 1-100 scopes")
                    List<@NotNull(message = SCOPE_TEXT) @Size(min = 1, max = Scope.MAX_LENGTH, message = SCOPE_TEXT)
                    @ScopeText String>> capabilities) {

        AgentChange change() {
            return new AgentChange(KeyRequests.label(name.value()), description.value(), description.cleared(),
                    KeyRequests.scopes(capabilities.value()));
        }
    }

    /** {@code POST /admin/v1/agents/{id}/keys}: the key's scopes and team are the agent's. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record AgentKeyBody(@NotNull(message = "is required") @Label String name, @Expiry Instant expiresAt,
                        @Label String owner) {
    }
}
