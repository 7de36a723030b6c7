package dev.keymint.server.cli;

import dev.keymint.server.organizations.OrganizationBootstrapper;
import dev.keymint.server.organizations.OrganizationBootstrapper.BootstrappedOrganization;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code bootstrap --org <slug> --scope <action:filter> [--scope …] [--name <key name>] [--team <team>]
 * [--agent <name>] [--json]}: creates an organization and its first API key (for one team, under a new
 * agent, when asked), and prints the key once.
 *
 * <p>It uses the same database settings as the server. On the embedded database it connects to
 * the running server's PostgreSQL when there is one (see {@code EmbeddedPostgresEnvironment}).
 */
@Command(name = "bootstrap",
        description = {"Create an organization and its first API key, and print the key once.",
                "Works on the database (the server's own settings); while the server runs on its embedded "
                        + "database, finds it through the data directory. Exits 1, writing nothing, if the "
                        + "organization exists."})
final class BootstrapCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--org", required = true, paramLabel = "<slug>", description = "The new organization.")
    private String org;

    @Option(names = "--scope", required = true, paramLabel = "<action:filter>",
            description = "A scope of the key, e.g. '*:*'; repeat for several.")
    private List<String> scopes;

    @Option(names = "--name", paramLabel = "<key name>", defaultValue = "bootstrap admin key",
            description = "The key's name (default: ${DEFAULT-VALUE}).")
    private String keyName;

    @Option(names = "--team", paramLabel = "<team>",
            description = "The one team the key (and its agent) is for; default: all teams.")
    private String team;

    @Option(names = "--agent", paramLabel = "<name>",
            description = "Create a new agent with the scopes as its capabilities; the key is its default key, "
                    + "named Production (--name is then not used).")
    private String agent;

    @Option(names = "--json", description = "Print {\"org\",\"client_id\",\"api_key\",\"scopes\"} on one line.")
    private boolean json;

    @Override
    public Integer call() {
        return InServerContext.run("bootstrap", spec.commandLine().getOut(), spec.commandLine().getErr(), context -> {
            BootstrappedOrganization created = context.getBean(OrganizationBootstrapper.class)
                    .bootstrap(org, List.copyOf(scopes), keyName, team, agent);
            return json ? asJson(created, context.getBean(JsonMapper.class)) : asText(created);
        });
    }

    private static String asText(BootstrappedOrganization created) {
        return """
                Organization: %s
                Client id:    %s
                Scopes:       %s
                API key:      %s

                This is the only time the API key is shown. Store it now.""".formatted(
                created.org(), created.clientId(), String.join(" ", created.scopes()), created.apiKey());
    }

    private static String asJson(BootstrappedOrganization created, JsonMapper json) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("org", created.org());
        fields.put("client_id", created.clientId());
        fields.put("api_key", created.apiKey());
        fields.put("scopes", created.scopes());
        return json.writeValueAsString(fields);
    }
}
