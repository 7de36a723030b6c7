package dev.keymint.server.cli;

import dev.keymint.server.KeymintApplication;
import org.springframework.boot.SpringApplication;

/**
 * The jar's entry point: with a command name ({@code bootstrap}, {@code keys}, …) it runs that
 * command; without one (or with only {@code --option}s) it runs the token server. It lives with the
 * commands so that the application class need not know them.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        if (Commands.isCommand(args)) {
            System.exit(Commands.run(args));
        }
        SpringApplication server = new SpringApplication(KeymintApplication.class);
        // Spring would name this class, the one with main(), in its startup lines; they keep naming the application.
        server.setMainApplicationClass(KeymintApplication.class);
        server.run(args);
    }
}
