package dev.keymint.server.keys.agents;

import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Reads and writes {@code agents}, and the {@code api_keys} columns that follow an agent. */
@Repository
class JdbcAgentRepository {

    private static final String ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String SELECT_AGENT = """
            select id, organization_id, name, description, capabilities, team, owner, created_at, updated_at
              from agents
            """;

    private final JdbcClient jdbc;

    JdbcAgentRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** {@code agt_} and 22 base62 characters (about 130 bits): not guessable, like a key's id. */
    static String newId() {
        StringBuilder id = new StringBuilder("agt_");
        for (int i = 0; i < 22; i++) {
            id.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return id.toString();
    }

    static boolean isId(String candidate) {
        return candidate != null && candidate.matches("agt_[0-9A-Za-z]{22}");
    }

    void insert(String id, long organizationId, NewAgent agent, List<String> capabilities, String team) {
        int inserted = jdbc.sql("""
                        insert into agents (id, organization_id, name, description, capabilities, team, owner)
                        values (:id, :organizationId, :name, :description, :capabilities, :team, :owner)
                        """)
                .param("id", id)
                .param("organizationId", organizationId)
                .param("name", agent.name())
                .param("description", agent.description())
                .param("capabilities", capabilities.toArray(String[]::new))
                .param("team", team)
                .param("owner", agent.owner())
                .update();
        requireOne(inserted, "inserting agent");
    }

    /** The agent if it is of this organization (and of this team, when team is not null). */
    Optional<Agent> find(long organizationId, String team, String id, boolean forUpdate) {
        return jdbc.sql(SELECT_AGENT + """
                         where id = :id and organization_id = :organizationId
                           and (cast(:team as text) is null or team = :team)
                        """ + (forUpdate ? " for update" : ""))
                .param("id", id)
                .param("organizationId", organizationId)
                .param("team", team)
                .query(JdbcAgentRepository::mapRow)
                .optional();
    }

    /** Newest first, after the agent {@code afterId} (null for the first page). */
    List<Agent> list(long organizationId, String team, String afterId, int limit) {
        return jdbc.sql(SELECT_AGENT + """
                         where organization_id = :organizationId
                           and (cast(:team as text) is null or team = :team)
                           and (cast(:after as text) is null or (created_at, id) <
                                (select created_at, id from agents where id = :after and organization_id = :organizationId))
                         order by created_at desc, id desc
                         limit :limit
                        """)
                .param("organizationId", organizationId)
                .param("team", team)
                .param("after", afterId)
                .param("limit", limit)
                .query(JdbcAgentRepository::mapRow)
                .list();
    }

    void update(Agent agent) {
        int updated = jdbc.sql("""
                        update agents set name = :name, description = :description, capabilities = :capabilities,
                                          updated_at = now()
                         where id = :id and organization_id = :organizationId
                        """)
                .param("name", agent.name())
                .param("description", agent.description())
                .param("capabilities", agent.capabilities().toArray(String[]::new))
                .param("id", agent.id())
                .param("organizationId", agent.organizationId())
                .update();
        requireOne(updated, "updating agent");
    }

    void delete(Agent agent) {
        requireOne(jdbc.sql("delete from agents where id = :id and organization_id = :organizationId")
                .param("id", agent.id()).param("organizationId", agent.organizationId()).update(), "deleting agent");
    }

    /** Puts a just-created key under the agent. */
    void attachKey(Agent agent, String keyId) {
        requireOne(jdbc.sql("update api_keys set agent_id = :agent where id = :key and organization_id = :organizationId")
                .param("agent", agent.id()).param("key", keyId).param("organizationId", agent.organizationId())
                .update(), "attaching key");
    }

    /**
     * Gives every key of the agent that is not revoked the agent's capabilities. Each changed row is
     * announced by the api_keys trigger, so every instance's key cache forgets it (migration V3).
     */
    void copyCapabilitiesToKeys(Agent agent) {
        jdbc.sql("""
                        update api_keys set scopes = :capabilities
                         where agent_id = :agent and status <> 'revoked' and scopes is distinct from cast(:capabilities as text[])
                        """)
                .param("capabilities", agent.capabilities().toArray(String[]::new))
                .param("agent", agent.id())
                .update();
    }

    /** The ids of the agent's keys, newest first; {@code unrevokedOnly} leaves out revoked ones. */
    List<String> keyIds(Agent agent, boolean unrevokedOnly) {
        return jdbc.sql("""
                        select id from api_keys
                         where agent_id = :agent and (not :unrevokedOnly or status <> 'revoked')
                         order by created_at desc, id desc
                        """)
                .param("agent", agent.id())
                .param("unrevokedOnly", unrevokedOnly)
                .query(String.class)
                .list();
    }

    /** Revokes the agent's keys that are not revoked yet; announced to every instance like any key change. */
    void revokeKeys(Agent agent) {
        jdbc.sql("""
                        update api_keys set status = 'revoked', revoked_at = now()
                         where agent_id = :agent and status <> 'revoked'
                        """)
                .param("agent", agent.id())
                .update();
    }

    private static Agent mapRow(ResultSet rs, int rowNum) throws SQLException {
        return new Agent(rs.getString("id"), rs.getLong("organization_id"), rs.getString("name"),
                rs.getString("description"), Arrays.asList((String[]) rs.getArray("capabilities").getArray()),
                rs.getString("team"), rs.getString("owner"), rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant());
    }

    private static void requireOne(int rows, String what) {
        if (rows != 1) {
            throw new IllegalStateException(what + " changed " + rows + " rows");
        }
    }
}
