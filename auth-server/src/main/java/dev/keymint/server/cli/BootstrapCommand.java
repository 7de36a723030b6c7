package dev.keymint.server.cli;

import dev.keymint.server.organizations.OrganizationBootstrapper;
import dev.keymint.server.organizations.OrganizationBootstrapper.BootstrappedOrganization;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code bootstrap --org <slug> --scope <action:filter> [--scope …] [--name <key name>] [--json]}:
 * creates an organization and its first API key, and prints the key once.
 *
 * <p>It uses the same database settings as the server. On the embedded database it connects to
 * the running server's PostgreSQL when there is one (see {@code EmbeddedPostgresEnvironment}).
 */
final class BootstrapCommand {

    static final String NAME = "bootstrap";
    static final String USAGE = NAME + " --org <slug> --scope <action:filter> [--scope …] [--name <key name>] [--json]";

    private BootstrapCommand() {
    }

    static Commands.Command parse(String[] args) {
        Arguments arguments = Arguments.parse(args);
        return context -> {
            BootstrappedOrganization created = context.getBean(OrganizationBootstrapper.class)
                    .bootstrap(arguments.org(), arguments.scopes(), arguments.keyName());
            return arguments.json() ? asJson(created, context.getBean(JsonMapper.class)) : asText(created);
        };
    }

    record Arguments(String org, List<String> scopes, String keyName, boolean json) {

        static Arguments parse(String[] args) {
            String org = null;
            String name = "bootstrap admin key";
            List<String> scopes = new ArrayList<>();
            boolean json = false;
            for (int i = 1; i < args.length; i++) {
                switch (args[i]) {
                    case "--org" -> org = value(args, ++i, "--org");
                    case "--scope" -> scopes.add(value(args, ++i, "--scope"));
                    case "--name" -> name = value(args, ++i, "--name");
                    case "--json" -> json = true;
                    default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
                }
            }
            if (org == null) {
                throw new IllegalArgumentException("--org is required");
            }
            if (scopes.isEmpty()) {
                throw new IllegalArgumentException("at least one --scope is required");
            }
            return new Arguments(org, List.copyOf(scopes), name, json);
        }

        private static String value(String[] args, int index, String option) {
            if (index >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args[index];
        }
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
