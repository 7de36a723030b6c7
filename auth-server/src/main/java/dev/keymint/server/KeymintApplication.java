package dev.keymint.server;

import dev.keymint.server.cli.BootstrapCommand;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * Keymint's entry point: without arguments it runs the token server; with {@code bootstrap …}
 * it runs the one-shot command that creates an organization and its first key.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class KeymintApplication {

    public static void main(String[] args) {
        if (args.length > 0 && BootstrapCommand.NAME.equals(args[0])) {
            System.exit(BootstrapCommand.run(args));
        }
        SpringApplication.run(KeymintApplication.class, args);
    }
}
