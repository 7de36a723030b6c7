package dev.keymint.server.cli;

import java.io.PrintWriter;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.IFactory;

/**
 * The jar's command line: {@link Main} runs a command here when the first argument
 * names one, and the server otherwise. Stdout carries only a command's result; messages go to
 * stderr; exit codes are {@link ExitCodes}.
 */
public final class Commands {

    /** Besides the commands' names, these ask for help rather than for a server with odd arguments. */
    private static final Set<String> HELP = Set.of("-h", "--help", "-V", "--version");

    private Commands() {
    }

    public static boolean isCommand(String[] args) {
        if (args.length == 0) {
            return false;
        }
        if (HELP.contains(args[0])) {
            return true;
        }
        // Only a bare word can name a command. Options (--server.port=...) are the server's, known so
        // without building the command tree, which took a cold start a second.
        return !args[0].startsWith("-")
                && commandLine(new CliContext(Map.of(), Terminal.NONE)).getSubcommands().containsKey(args[0]);
    }

    public static int run(String[] args) {
        CommandLine commandLine = commandLine(new CliContext(System.getenv(), Terminal.system()));
        // Bound now: the database commands point System.out at stderr while Spring runs.
        commandLine.setOut(new PrintWriter(System.out, true));
        commandLine.setErr(new PrintWriter(System.err, true));
        return commandLine.execute(args);
    }

    /** The command tree, with commands and mixins built around {@code context}. */
    static CommandLine commandLine(CliContext context) {
        CommandLine commandLine = new CommandLine(KeymintCli.class, factory(context));
        commandLine.setExecutionExceptionHandler((exception, command, parseResult) -> {
            if (exception instanceof CliFailure failure) {
                command.getErr().println(failure.getMessage());
                return failure.exitCode();
            }
            command.getErr().println(command.getCommandName() + " failed: " + exception);
            return ExitCodes.FAILED;
        });
        return commandLine;
    }

    private static IFactory factory(CliContext context) {
        IFactory defaults = CommandLine.defaultFactory();
        return new IFactory() {
            @Override
            public <K> K create(Class<K> type) throws Exception {
                try {
                    var constructor = type.getDeclaredConstructor(CliContext.class);
                    return constructor.newInstance(context);
                } catch (NoSuchMethodException noContext) {
                    return defaults.create(type);
                }
            }
        };
    }
}
