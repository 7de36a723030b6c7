package dev.keymint.server.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code keys show <id>}: one key, masked (the secret is never shown again after create). */
@Command(name = "show", description = "Show one key (masked: the secret is shown only when the key is created).")
final class KeysShowCommand implements Callable<Integer> {

    @Mixin
    private AdminOptions admin;

    @Parameters(paramLabel = "<key id>", description = "The key's id (its client id).")
    private String id;

    @Override
    public Integer call() {
        AdminApi.Answer key = admin.connect().get(KeysCommand.path(id));
        admin.print(key, out -> KeyText.print(key.json(), out));
        return ExitCodes.OK;
    }
}
