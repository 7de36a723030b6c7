package dev.keymint.server.cli;

import java.io.PrintWriter;
import java.util.function.Consumer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What every admin-API command shares: where the server is, {@code --json}, and the admin key,
 * which comes only from the environment (a command line is visible to every user of the machine).
 */
final class AdminOptions {

    private final CliContext context;

    @Spec(Spec.Target.MIXEE)
    private CommandSpec command;

    @Option(names = "--url", paramLabel = "<url>",
            description = "The Keymint server (default: $" + CliContext.URL_VARIABLE + ", else " + CliContext.DEFAULT_URL + ").")
    private String url;

    @Option(names = "--json", description = "Print the admin API's JSON as it is, for scripts.")
    private boolean json;

    AdminOptions(CliContext context) {
        this.context = context;
    }

    AdminApi connect() {
        String server = url != null ? url
                : context.environment().getOrDefault(CliContext.URL_VARIABLE, CliContext.DEFAULT_URL);
        return AdminApi.connect(server, context.environment().get(CliContext.ADMIN_KEY_VARIABLE), context.json());
    }

    /** The answer's body as sent with {@code --json}, else what {@code human} prints. */
    void print(AdminApi.Answer answer, Consumer<PrintWriter> human) {
        PrintWriter out = out();
        if (json) {
            out.println(answer.body());
        } else {
            human.accept(out);
        }
        out.flush();
    }

    boolean json() {
        return json;
    }

    PrintWriter out() {
        return command.commandLine().getOut();
    }

    CliContext context() {
        return context;
    }
}
