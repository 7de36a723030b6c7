package dev.keymint.server.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** The commands of the server's jar; {@code --help} and the exit codes apply to every one of them. */
@Command(name = "java -jar auth-server.jar",
        mixinStandardHelpOptions = true,
        scope = ScopeType.INHERIT,
        versionProvider = KeymintCli.Version.class,
        description = "Keymint's commands. Without a command the jar runs the server.",
        subcommands = {BootstrapCommand.class, RotateSigningKeyCommand.class, KeysCommand.class,
                UsageCommand.class, AuditCommand.class, HelpCommand.class},
        footerHeading = "%n",
        footer = {"keys, usage and audit talk to a running server's admin API: $" + CliContext.URL_VARIABLE
                + " (default " + CliContext.DEFAULT_URL + "), $" + CliContext.ADMIN_KEY_VARIABLE
                + " (an admin API key; the command exchanges it for a token). They start no database.",
                "",
                "Exit codes:",
                "  0  done",
                "  1  refused or failed: a conflict, a rejected value, a declined confirmation",
                "  2  usage: a wrong command line or environment; nothing was sent",
                "  3  not found",
                "  4  the admin key was refused, or its scopes do not allow this",
                "  5  the server is unreachable or unavailable for now; retry later",
                "See docs/cli.md."})
final class KeymintCli implements Runnable {

    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing a command");
    }

    /** The jar's version from its manifest. */
    static final class Version implements IVersionProvider {

        @Override
        public String[] getVersion() {
            String version = KeymintCli.class.getPackage().getImplementationVersion();
            return new String[] {"Keymint " + (version != null ? version : "(development build)")};
        }
    }
}
