package dev.keymint.server.cli;

import java.util.List;
import java.util.concurrent.Callable;
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

    @Option(names = "--scope", required = true, paramLabel = "<action:filter>",
            description = "A scope the key holds, e.g. 'read:invoices/**'; repeat for several. "
                    + "Your admin key must hold it too.")
    private List<String> scopes;

    @Mixin
    private KeySettings settings;

    @Override
    public Integer call() {
        ObjectNode body = admin.context().json().createObjectNode();
        body.put("name", name);
        scopes.forEach(body.putArray("scopes")::add);
        settings.putInto(body);
        AdminApi.Answer created = admin.connect().post("/keys", body);
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
