package dev.keymint.server.organizations;

import dev.keymint.sdk.Scope;
import dev.keymint.sdk.Scopes;
import dev.keymint.server.keys.CreatedKey;
import dev.keymint.server.keys.KeyActor;
import dev.keymint.server.keys.KeyAdministration;
import dev.keymint.server.keys.NewKey;
import dev.keymint.server.keys.agents.AgentAdministration;
import dev.keymint.server.keys.agents.NewAgent;
import java.util.List;
import java.util.regex.Pattern;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Creates a new organization together with its first key, in one transaction: either both exist
 * afterwards or neither does. The key is created as every key is ({@link KeyAdministration}), so it
 * is audited like any other; its actor is the operator who ran the command.
 */
@Service
public class OrganizationBootstrapper {

    private static final Pattern SLUG = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    private final JdbcOrganizationRepository organizations;
    private final KeyAdministration keys;
    private final AgentAdministration agents;

    public OrganizationBootstrapper(JdbcOrganizationRepository organizations, KeyAdministration keys,
                                    AgentAdministration agents) {
        this.organizations = organizations;
        this.keys = keys;
        this.agents = agents;
    }

    /** A first key for all teams, under no agent. */
    public BootstrappedOrganization bootstrap(String slug, List<String> scopes, String keyName) {
        return bootstrap(slug, scopes, keyName, null, null);
    }

    /**
     * @throws IllegalArgumentException for a malformed slug or scope, or a slug already taken
     */
    /**
     * @param team  the one team the first key (and its agent) is for; null for all teams
     * @param agent null, or the name of a new agent with the scopes as its capabilities: the first key
     *              is then the agent's default key, named "Production" (not {@code keyName})
     */
    @Transactional
    public BootstrappedOrganization bootstrap(String slug, List<String> scopes, String keyName, String team, String agent) {
        requireLabel(team, "Team");
        requireLabel(agent, "Agent name");
        if (slug == null || !SLUG.matcher(slug).matches()) {
            throw new IllegalArgumentException("Organization slug must be 1-63 lowercase letters, digits or '-', "
                    + "not starting or ending with '-': " + slug);
        }
        if (scopes.isEmpty()) {
            throw new IllegalArgumentException("The first key needs at least one scope, e.g. --scope '*:*'");
        }
        List<Scope> canonicalScopes = List.copyOf(Scopes.of(scopes.stream().map(Scope::parse).toList()).asSet());
        long organizationId = organizations.insertIfAbsent(slug, slug)
                .orElseThrow(() -> new IllegalArgumentException("Organization '" + slug + "' already exists"));
        Operator operator = new Operator(organizationId);
        CreatedKey created = agent == null
                ? keys.create(operator, new NewKey(keyName, canonicalScopes, null, List.of(), null, null, null, team, null, null))
                : agents.create(operator, new NewAgent(agent, null, canonicalScopes, team, null)).productionKey();
        return new BootstrappedOrganization(slug, created.key().id(), created.apiKey(), created.key().scopes());
    }

    private static void requireLabel(String value, String what) {
        if (value != null && (value.isBlank() || value.length() > 200)) {
            throw new IllegalArgumentException(what + " must be 1-200 characters, not blank");
        }
    }

    /**
     * The operator running the bootstrap command, with the server at hand: may give the first key
     * any scope and any team. The audit trail names it {@value #ACTOR}, which no key id can be.
     */
    private record Operator(long organizationId) implements KeyActor {

        static final String ACTOR = "bootstrap";
        private static final Scopes EVERYTHING = Scopes.parse("*:*");

        @Override
        public String team() {
            return null;
        }

        @Override
        public Scopes scopes() {
            return EVERYTHING;
        }

        @Override
        public String keyId() {
            return ACTOR;
        }

        @Override
        public String clientAddress() {
            return null;
        }
    }

    /** The one moment the key is visible: print it, then forget it. */
    public record BootstrappedOrganization(String org, String clientId, String apiKey, List<String> scopes) {

        @Override
        public String toString() {
            return "BootstrappedOrganization[org=" + org + ", clientId=" + clientId + "]";
        }
    }
}
