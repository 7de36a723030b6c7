package dev.keymint.server.keys.agents;

import dev.keymint.sdk.Scope;
import dev.keymint.server.keys.ApiKey;
import dev.keymint.server.keys.CreatedKey;
import dev.keymint.server.keys.JdbcApiKeyRepository;
import dev.keymint.server.keys.KeyActor;
import dev.keymint.server.keys.KeyAdministration;
import dev.keymint.server.keys.KeyAuditTrail;
import dev.keymint.server.keys.KeyChangeBarrier;
import dev.keymint.server.keys.KeyRefusedException;
import dev.keymint.server.keys.KeyRefusedException.Reason;
import dev.keymint.server.keys.NewKey;
import java.time.Instant;
import java.util.List;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The one way to create, change and delete agents and to create keys under them, each operation in
 * one transaction with its audit events. The rules are {@link KeyAdministration}'s: an actor sees only
 * its organization's (and team's) agents, another organization's agent does not exist for it, and it
 * may give, change or take away only capabilities its token covers; changing or deleting an agent
 * needs a token that covers all of the agent's capabilities, as changing a key does.
 *
 * <p>A key of an agent holds the agent's capabilities as its scopes: they are copied to its keys in
 * the transaction that changes them, and the change returns once every instance's token path sees it
 * ({@link KeyChangeBarrier}), so the next token of every key of the agent carries the new capabilities.
 */
@Service
public class AgentAdministration {

    /** The name of the key every new agent comes with. */
    public static final String DEFAULT_KEY = "Production";

    private final JdbcAgentRepository agents;
    private final JdbcApiKeyRepository keyRows;
    private final KeyAdministration keys;
    private final AgentAuditTrail audit;
    private final KeyAuditTrail keyAudit;
    private final KeyChangeBarrier everyInstanceSees;

    AgentAdministration(JdbcAgentRepository agents, JdbcApiKeyRepository keyRows, KeyAdministration keys,
                        AgentAuditTrail audit, KeyAuditTrail keyAudit, KeyChangeBarrier everyInstanceSees) {
        this.agents = agents;
        this.keyRows = keyRows;
        this.keys = keys;
        this.audit = audit;
        this.keyAudit = keyAudit;
        this.everyInstanceSees = everyInstanceSees;
    }

    /** Creates the agent and its "Production" key (for the agent's team and owner). */
    @Transactional
    public CreatedAgent create(KeyActor actor, NewAgent request) {
        requireCovered(actor, request.capabilities(), "An agent cannot be given capabilities the caller's token does not hold: ");
        String team = request.team();
        if (actor.team() != null) {
            if (team != null && !team.equals(actor.team())) {
                throw KeyRefusedException.of(Reason.FORBIDDEN,
                        "A token of team '" + actor.team() + "' can create agents only for that team");
            }
            team = actor.team();
        }
        String id = JdbcAgentRepository.newId();
        agents.insert(id, actor.organizationId(), request, request.capabilities().stream().map(Scope::toString).toList(), team);
        Agent agent = find(actor, id, false);
        audit.agentChanged(actor, "agent.create", null, agent);
        return new CreatedAgent(agent, createKey(actor, agent, DEFAULT_KEY, null, request.owner()));
    }

    /**
     * Creates a key under the agent: it holds the agent's capabilities and is for the agent's team.
     *
     * @param owner null: the agent's owner
     */
    @Transactional
    public CreatedKey createKey(KeyActor actor, String agentId, String name, Instant expiresAt, String owner) {
        return createKey(actor, find(actor, agentId, true), name, expiresAt, owner);
    }

    private CreatedKey createKey(KeyActor actor, Agent agent, String name, Instant expiresAt, String owner) {
        NewKey key = new NewKey(name, agent.capabilities().stream().map(Scope::parse).toList(), expiresAt, List.of(),
                null, null, null, agent.team(), owner == null ? agent.owner() : owner, null);
        CreatedKey created = keys.create(actor, key);
        agents.attachKey(agent, created.key().id());
        return created;
    }

    public Agent get(KeyActor actor, String id) {
        return find(actor, id, false);
    }

    /** One page of the actor's agents, newest first, after the agent {@code afterId} (null for the first page). */
    public List<Agent> list(KeyActor actor, String afterId, int limit) {
        return agents.list(actor.organizationId(), actor.team(), afterId, limit);
    }

    /** The agent's keys, newest first, revoked ones included. */
    public List<ApiKey> keys(KeyActor actor, String agentId) {
        Agent agent = find(actor, agentId, false);
        return keyRows.findAllById(agents.keyIds(agent, false), actor.organizationId(), actor.team()).stream()
                .sorted(java.util.Comparator.comparing(ApiKey::createdAt).thenComparing(ApiKey::id).reversed())
                .toList();
    }

    /** Applies the change; new capabilities reach every key of the agent, on every instance, before this returns. */
    @Transactional
    public Agent update(KeyActor actor, String id, AgentChange change) {
        Agent before = findToChange(actor, id);
        Agent after = change.applyTo(before);
        boolean newCapabilities = !after.capabilities().equals(before.capabilities());
        if (newCapabilities) {
            requireCovered(actor, after.capabilities().stream().map(Scope::parse).toList(),
                    "An agent cannot be given capabilities the caller's token does not hold: ");
        }
        agents.update(after);
        if (newCapabilities) {
            agents.copyCapabilitiesToKeys(after);
            everyInstanceSees.awaitAfterCommit();
        }
        Agent stored = find(actor, id, false);
        audit.agentChanged(actor, "agent.update", before, stored);
        return stored;
    }

    /**
     * Deletes the agent and revokes its keys; when it has keys that are not revoked, only if
     * {@code revokeKeysConfirmed}. The revoked keys stay (with their history), no longer under an agent.
     *
     * @return the ids of the keys revoked
     */
    @Transactional
    public List<String> delete(KeyActor actor, String id, boolean revokeKeysConfirmed) {
        Agent before = findToChange(actor, id);
        List<String> unrevoked = agents.keyIds(before, true);
        if (!unrevoked.isEmpty() && !revokeKeysConfirmed) {
            throw KeyRefusedException.of(Reason.CONFLICT, "Deleting the agent revokes its " + unrevoked.size()
                    + " key(s) that are not revoked; repeat with ?confirm=revoke-keys to delete it");
        }
        List<ApiKey> keysBefore = keyRows.findAllById(unrevoked, actor.organizationId(), null);
        agents.revokeKeys(before);
        for (ApiKey key : keysBefore) {
            keyAudit.keyChanged(actor, "key.revoke", key.id(), key, keyRows.findById(key.id()).orElseThrow());
        }
        agents.delete(before);
        everyInstanceSees.awaitAfterCommit();
        audit.agentChanged(actor, "agent.delete", before, null);
        return unrevoked;
    }

    /** The agent, locked, if the actor's token covers all of its capabilities. */
    private Agent findToChange(KeyActor actor, String id) {
        Agent agent = find(actor, id, true);
        List<String> beyond = notHeld(actor, agent.capabilities().stream().map(Scope::parse).toList());
        if (!beyond.isEmpty()) {
            throw KeyRefusedException.of(Reason.SCOPES_NOT_HELD, "The agent has capabilities the caller's token does not: "
                    + String.join(" ", beyond) + "; only a token covering all of them may change it", beyond);
        }
        return agent;
    }

    private Agent find(KeyActor actor, String id, boolean forUpdate) {
        if (!JdbcAgentRepository.isId(id)) {
            throw agentNotFound();
        }
        return agents.find(actor.organizationId(), actor.team(), id, forUpdate)
                .orElseThrow(AgentAdministration::agentNotFound);
    }

    private static KeyRefusedException agentNotFound() {
        return KeyRefusedException.of(Reason.NOT_FOUND, "The agent does not exist");
    }

    private static void requireCovered(KeyActor actor, List<Scope> scopes, String detail) {
        List<String> beyond = notHeld(actor, scopes);
        if (!beyond.isEmpty()) {
            throw KeyRefusedException.of(Reason.SCOPES_NOT_HELD, detail + String.join(" ", beyond), beyond);
        }
    }

    private static List<String> notHeld(KeyActor actor, List<Scope> scopes) {
        return scopes.stream().filter(scope -> !actor.scopes().covers(scope)).map(Scope::toString).toList();
    }
}
