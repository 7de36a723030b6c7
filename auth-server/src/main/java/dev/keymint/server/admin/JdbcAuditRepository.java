package dev.keymint.server.admin;

import dev.keymint.server.keys.ApiKey;
import dev.keymint.server.keys.KeyActor;
import dev.keymint.server.keys.KeyAuditTrail;
import dev.keymint.server.signing.SigningKeyAuditTrail;
import dev.keymint.server.keys.KeyWarning;
import dev.keymint.server.keys.agents.Agent;
import dev.keymint.server.keys.agents.AgentAuditTrail;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Appends to and reads {@code audit_events}; the table refuses updates and deletes. A key's state
 * before and after a change is recorded as the admin API shows the key.
 */
@Repository
class JdbcAuditRepository implements KeyAuditTrail, SigningKeyAuditTrail, AgentAuditTrail {

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final Clock clock;

    JdbcAuditRepository(JdbcClient jdbc, JsonMapper json, Clock clock) {
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
    }

    @Override
    public void keyChanged(KeyActor actor, String action, String keyId, ApiKey before, ApiKey after) {
        append(actor, action, keyId, asJson(before), asJson(after));
    }

    @Override
    public void keyEdited(KeyActor actor, String keyId, ApiKey before, ApiKey after, List<KeyWarning> warnings) {
        append(actor, "key.update", keyId, asJson(before), asJson(after),
                warnings.isEmpty() ? null : json.writeValueAsString(warnings));
    }

    @Override
    public void keysImported(KeyActor actor, int imported, int refused) {
        append(actor, "key.import", "keys", null, json.writeValueAsString(
                json.createObjectNode().put("imported", imported).put("refused", refused)));
    }

    @Override
    public void rotatedForEveryOrganization(String actor, String action, String kid) {
        jdbc.sql("""
                        insert into audit_events (organization_id, actor_key_id, action, target)
                        select id, :actor, :action, :kid from organizations
                        """)
                .param("actor", actor)
                .param("action", action)
                .param("kid", kid)
                .update();
    }

    @Override
    public void agentChanged(KeyActor actor, String action, Agent before, Agent after) {
        append(actor, action, (before == null ? after : before).id(),
                before == null ? null : json.writeValueAsString(AgentView.of(before)),
                after == null ? null : json.writeValueAsString(AgentView.of(after)));
    }

    void append(KeyActor actor, String action, String target, String beforeJson, String afterJson) {
        append(actor, action, target, beforeJson, afterJson, null);
    }

    private void append(KeyActor actor, String action, String target, String beforeJson, String afterJson,
                        String warningsJson) {
        int inserted = jdbc.sql("""
                        insert into audit_events (organization_id, actor_key_id, action, target, client_address, before,
                                                  after, warnings)
                        values (:organizationId, :actor, :action, :target, :address, cast(:before as jsonb),
                                cast(:after as jsonb), cast(:warnings as jsonb))
                        """)
                .param("organizationId", actor.organizationId())
                .param("actor", actor.keyId())
                .param("action", action)
                .param("target", target)
                .param("address", actor.clientAddress())
                .param("before", beforeJson)
                .param("after", afterJson)
                .param("warnings", warningsJson)
                .update();
        if (inserted != 1) {
            throw new IllegalStateException("Appending an audit event changed " + inserted + " rows");
        }
    }

    private String asJson(ApiKey key) {
        if (key == null) {
            return null;
        }
        ObjectNode view = json.valueToTree(KeyView.of(key, clock.instant()));
        view.remove("last_used_at");
        view.remove("over_budget"); // follows the clock and reports, not the admin: not part of a change
        return json.writeValueAsString(view);
    }

    /** Newest first, ids below {@code beforeId} (null for the first page). */
    List<AuditEvent> page(long organizationId, Long beforeId, int limit) {
        return jdbc.sql("""
                        select id, actor_key_id, action, target, client_address, before::text as before,
                               after::text as after, warnings::text as warnings, created_at
                          from audit_events
                         where organization_id = :organizationId
                           and (cast(:beforeId as bigint) is null or id < :beforeId)
                         order by id desc
                         limit :limit
                        """)
                .param("organizationId", organizationId)
                .param("beforeId", beforeId)
                .param("limit", limit)
                .query((rs, n) -> new AuditEvent(rs.getLong("id"), rs.getString("actor_key_id"), rs.getString("action"),
                        rs.getString("target"), rs.getString("client_address"), rs.getString("before"),
                        rs.getString("after"), rs.getString("warnings"), rs.getTimestamp("created_at").toInstant()))
                .list();
    }

    record AuditEvent(long id, String actorKeyId, String action, String target, String clientAddress,
                      String beforeJson, String afterJson, String warningsJson, Instant createdAt) {
    }
}
