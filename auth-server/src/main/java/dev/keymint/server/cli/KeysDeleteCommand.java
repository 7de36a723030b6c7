package dev.keymint.server.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code keys delete <id>}: asks first (the key is shown so the person knows what goes), and
 * passes on the server's refusal to delete a key used in the last 24 hours unless {@code --force}.
 */
@Command(name = "delete", description = {"Delete a key. Asks for confirmation at a terminal; scripts pass --yes.",
        "The server refuses a key used in the last 24 hours unless --force."})
final class KeysDeleteCommand implements Callable<Integer> {

    @Mixin
    private AdminOptions admin;

    @Parameters(paramLabel = "<key id>", description = "The key's id.")
    private String id;

    @Option(names = {"-y", "--yes"}, description = "Do not ask: delete.")
    private boolean yes;

    @Option(names = "--force", description = "Delete even if the key was used in the last 24 hours.")
    private boolean force;

    @Override
    public Integer call() {
        AdminApi api = admin.connect();
        admin.context().confirm(yes, () -> {
            var key = api.get(KeysCommand.path(id)).json();
            return "Delete key " + KeyText.title(key) + " (" + key.path("status").asString()
                    + ", scopes " + Values.text(key.get("scopes")) + ")? This cannot be undone.";
        });
        AdminApi.Answer answer = api.exchange("DELETE", KeysCommand.path(id) + (force ? "?confirm=true" : ""), null);
        if (answer.status() == 409 && answer.json().has("last_used_at")) {
            throw new CliFailure(ExitCodes.FAILED, 409, "Key " + id + " was used in the last 24 hours (last at "
                    + answer.json().get("last_used_at").asString() + "). Nothing was deleted; add --force to delete it anyway.");
        }
        answer.requireSuccess();
        if (!admin.json()) { // 204: no JSON to pass on; the exit code says it is done
            admin.out().println("Deleted key " + id + ".");
        }
        return ExitCodes.OK;
    }
}
