package dev.keymint.server.admin;

import dev.keymint.server.keys.CreatedKey;
import dev.keymint.server.keys.agents.Agent;
import dev.keymint.server.keys.agents.AgentAdministration;
import dev.keymint.server.keys.agents.CreatedAgent;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /admin/v1/agents}: create, list, show, edit and delete the caller's organization's agents,
 * and list and create the keys under one. Requires {@code admin:keys/**}, as keys do.
 */
@RestController
@ConditionalOnWebApplication
@RequestMapping(AdminSecurityConfiguration.BASE + "/agents")
class AgentsController {

    /** The value of {@code confirm} that allows deleting an agent that still has keys to revoke. */
    static final String REVOKE_KEYS = "revoke-keys";

    private final AgentAdministration agents;
    private final AdminCallers callers;
    private final JsonBodies bodies;
    private final Clock clock;

    AgentsController(AgentAdministration agents, AdminCallers callers, JsonBodies bodies, Clock clock) {
        this.agents = agents;
        this.callers = callers;
        this.bodies = bodies;
        this.clock = clock;
    }

    @PostMapping
    ResponseEntity<AgentView.Created> create(HttpServletRequest request) {
        AdminCaller caller = callers.current(request);
        CreatedAgent created = agents.create(caller, bodies.read(request, AgentRequests.NewAgentBody.class).agent());
        return ResponseEntity.status(HttpStatus.CREATED)
                .header("Cache-Control", "no-store")
                .header("Location", AdminSecurityConfiguration.BASE + "/agents/" + created.agent().id())
                .body(new AgentView.Created(AgentView.of(created.agent()), keyView(created.productionKey())));
    }

    @GetMapping
    Page<AgentView> list(HttpServletRequest request, @RequestParam(required = false) String cursor,
                         @RequestParam(required = false) String limit) {
        int size = Page.size(limit);
        if (cursor != null && !cursor.matches("agt_[0-9A-Za-z]{22}")) {
            throw AdminProblem.badRequest("cursor is not one this API returned");
        }
        return Page.of(agents.list(callers.current(request), cursor, size + 1), size, AgentView::of, Agent::id);
    }

    @GetMapping("/{id}")
    AgentView get(HttpServletRequest request, @PathVariable String id) {
        return AgentView.of(agents.get(callers.current(request), id));
    }

    @PatchMapping("/{id}")
    AgentView patch(HttpServletRequest request, @PathVariable String id) {
        AdminCaller caller = callers.current(request);
        agents.get(caller, id); // 404 before validating a body for an agent the caller cannot see
        AgentRequests.AgentPatch body = bodies.read(request, AgentRequests.AgentPatch.class);
        return AgentView.of(agents.update(caller, id, body.change()));
    }

    /** Revokes the agent's keys and deletes it; with keys to revoke only with {@code ?confirm=revoke-keys}. */
    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(HttpServletRequest request, @PathVariable String id,
                                @RequestParam(required = false) String confirm) {
        if (confirm != null && !confirm.equals(REVOKE_KEYS)) {
            throw AdminProblem.badRequest("confirm must be " + REVOKE_KEYS);
        }
        agents.delete(callers.current(request), id, confirm != null);
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/{id}/keys")
    Page<KeyView> keys(HttpServletRequest request, @PathVariable String id) {
        Instant now = clock.instant();
        List<KeyView> keys = agents.keys(callers.current(request), id).stream().map(key -> KeyView.of(key, now)).toList();
        return new Page<>(keys, null);
    }

    @PostMapping("/{id}/keys")
    ResponseEntity<KeyView.Created> createKey(HttpServletRequest request, @PathVariable String id) {
        AdminCaller caller = callers.current(request);
        agents.get(caller, id);
        AgentRequests.AgentKeyBody body = bodies.read(request, AgentRequests.AgentKeyBody.class);
        CreatedKey created = agents.createKey(caller, id, KeyRequests.label(body.name()), body.expiresAt(),
                KeyRequests.label(body.owner()));
        return ResponseEntity.status(HttpStatus.CREATED)
                .header("Cache-Control", "no-store")
                .header("Location", AdminSecurityConfiguration.BASE + "/keys/" + created.key().id())
                .body(keyView(created));
    }

    private KeyView.Created keyView(CreatedKey created) {
        return new KeyView.Created(KeyView.of(created.key(), clock.instant()), created.apiKey());
    }
}
