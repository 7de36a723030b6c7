package dev.keymint.server.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import tools.jackson.databind.node.ObjectNode;

/** {@code keys create}: a new key, whose secret is printed this once. */
@Command(name = "create", description = "Create a key and print its secret (api_key) once.")
final class KeysCreateCommand implements Callable<Integer> {

    @Mixin
    private AdminOptions admin;

    @Option(names = "--name", required = true, paramLabel = "<name>", description = "What the key is for.")
    private String name;

    @ArgGroup(exclusive = true, multiplicity = "1")
    private Grant grant;

    /** What the key may do: its own scopes, or those of the agent it is created under. */
    static final class Grant {

        @Option(names = "--scope", required = true, paramLabel = "<action:filter>",
                description = "A scope the key holds, e.g. 'read:invoices/**'; repeat for several. "
                        + "Your admin key must hold it too.")
        private List<String> scopes;

        @Option(names = "--agent", required = true, paramLabel = "<agent id>",
                description = "Create the key under this agent (agt_…): it holds the agent's capabilities and is "
                        + "for the agent's team. Of the settings below, only --expires-at and --owner apply.")
        private String agent;
    }

    @Mixin
    private KeySettings settings;

    @Override
    public Integer call() {
        ObjectNode body = admin.context().json().createObjectNode();
        body.put("name", name);
        if (grant.agent == null) {
            grant.scopes.forEach(body.putArray("scopes")::add);
        }
        settings.putInto(body);
        AdminApi.Answer created = admin.connect().post(grant.agent == null ? "/keys"
                : "/agents/" + AdminApi.segment(grant.agent) + "/keys", body);
        admin.print(created, out -> {
            out.println("Created key " + KeyText.title(created.json()) + ".");
            out.println();
            KeyText.print(created.json(), out);
            out.println();
            out.println("API key: " + created.json().path("api_key").asString());
            out.println();
            out.println("This is the only time the API key is shown. Store it now.");
        });
        return ExitCodes.OK;
    }
}
