package dev.keymint.server.cli;

import dev.keymint.server.KeymintApplication;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Runs one command with the server's jar and the server's configuration (same database, same
 * master key), without starting the web server. Stdout carries only the command's result; logs go
 * to stderr. Exit codes: 0 done, 1 refused or failed, 2 usage.
 */
public final class Commands {

    private static final Map<String, Function<String[], Command>> COMMANDS = Map.of(
            BootstrapCommand.NAME, BootstrapCommand::parse,
            RotateSigningKeyCommand.NAME, RotateSigningKeyCommand::parse);

    private Commands() {
    }

    public static boolean isCommand(String[] args) {
        return args.length > 0 && COMMANDS.containsKey(args[0]);
    }

    public static int run(String[] args) {
        PrintStream out = System.out;
        Command command;
        try {
            command = COMMANDS.get(args[0]).apply(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println("usage: java -jar auth-server.jar " + String.join("\n       java -jar auth-server.jar ",
                    Arrays.asList(BootstrapCommand.USAGE, RotateSigningKeyCommand.USAGE)));
            return 2;
        }
        System.setOut(System.err);
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(KeymintApplication.class)
                .web(WebApplicationType.NONE)
                .bannerMode(Banner.Mode.OFF)
                .logStartupInfo(false)
                .properties("logging.level.root=WARN")
                .run()) {
            out.println(command.execute(context));
            return 0;
        } catch (IllegalArgumentException e) {
            System.err.println(args[0] + " refused: " + e.getMessage());
            return 1;
        } catch (RuntimeException e) {
            System.err.println(args[0] + " failed: " + e.getMessage());
            return 1;
        } finally {
            System.setOut(out);
        }
    }

    /** A parsed command, ready to run against the application context. Returns what to print. */
    interface Command {
        String execute(ConfigurableApplicationContext context);
    }
}
