package dev.keymint.server.cli;

import dev.keymint.server.KeymintApplication;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.function.Function;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Runs a command that works on the database itself inside the server's own configuration (same
 * database, same master key), without the web server. Stdout carries only the command's result;
 * whatever Spring prints goes to stderr.
 */
final class InServerContext {

    private InServerContext() {
    }

    /** Prints what {@code work} returns; 1 when it refuses (an IllegalArgumentException) or fails. */
    static int run(String command, PrintWriter out, PrintWriter err, Function<ConfigurableApplicationContext, String> work) {
        PrintStream stdout = System.out;
        System.setOut(System.err);
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(KeymintApplication.class)
                .web(WebApplicationType.NONE)
                .bannerMode(Banner.Mode.OFF)
                .logStartupInfo(false)
                .properties("logging.level.root=WARN")
                .run()) {
            out.println(work.apply(context));
            return ExitCodes.OK;
        } catch (IllegalArgumentException e) {
            err.println(command + " refused: " + e.getMessage());
            return ExitCodes.FAILED;
        } catch (RuntimeException e) {
            err.println(command + " failed: " + e.getMessage());
            return ExitCodes.FAILED;
        } finally {
            out.flush();
            err.flush();
            System.setOut(stdout);
        }
    }
}
