package dev.keymint.server.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code keys disable|enable|revoke <id>}: one POST each, the same output. */
final class KeyStateCommands {

    private KeyStateCommands() {
    }

    abstract static class StateChange implements Callable<Integer> {

        @Mixin
        private AdminOptions admin;

        @Parameters(paramLabel = "<key id>", description = "The key's id.")
        private String id;

        /** The last segment of {@code POST /keys/{id}/…}. */
        abstract String action();

        /** Asks first when the change cannot be undone. */
        void confirm(CliContext context, String id) {
        }

        @Override
        public Integer call() {
            confirm(admin.context(), id);
            AdminApi.Answer key = admin.connect().post(KeysCommand.path(id) + "/" + action(), null);
            admin.print(key, out -> out.println("Key " + KeyText.title(key.json()) + " is now "
                    + key.json().path("status").asString() + "."));
            return ExitCodes.OK;
        }
    }

    @Command(name = "disable", description = {"Disable a key: no new tokens until it is enabled again.",
            "Takes effect for the next token request on every instance."})
    static final class Disable extends StateChange {

        @Override
        String action() {
            return "disable";
        }
    }

    @Command(name = "enable", description = "Enable a disabled key (a revoked key stays revoked).")
    static final class Enable extends StateChange {

        @Override
        String action() {
            return "enable";
        }
    }

    @Command(name = "revoke", description = {"Revoke a key for good: it cannot be enabled or edited again.",
            "Asks for confirmation at a terminal; scripts pass --yes."})
    static final class Revoke extends StateChange {

        @Option(names = {"-y", "--yes"}, description = "Do not ask: revoke.")
        private boolean yes;

        @Override
        String action() {
            return "revoke";
        }

        @Override
        void confirm(CliContext context, String id) {
            context.confirm(yes, () -> "Revoke key " + id + "? This cannot be undone.");
        }
    }
}
