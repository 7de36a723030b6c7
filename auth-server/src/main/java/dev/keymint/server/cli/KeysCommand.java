package dev.keymint.server.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code keys …}: the organization's API keys, through the admin API. */
@Command(name = "keys",
        description = "Manage the organization's API keys through a running server's admin API (scope admin:keys/**).",
        subcommands = {KeysListCommand.class, KeysCreateCommand.class, KeysShowCommand.class, KeysUpdateCommand.class,
                KeyStateCommands.Disable.class, KeyStateCommands.Enable.class, KeyStateCommands.Revoke.class, KeysRerollCommand.class,
                KeysDeleteCommand.class, KeysImportCommand.class})
final class KeysCommand implements Runnable {

    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing a keys command");
    }

    /** The admin API path of one key; the id is encoded so that whatever was typed stays one path segment. */
    static String path(String id) {
        return "/keys/" + AdminApi.segment(id);
    }
}
