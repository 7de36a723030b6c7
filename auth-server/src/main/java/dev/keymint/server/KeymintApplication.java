package dev.keymint.server;

import dev.keymint.server.cli.Commands;
import java.time.Clock;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * Keymint's entry point: without arguments (or with only {@code --option}s) it runs the token
 * server; with a command name ({@code bootstrap}, {@code rotate-signing-key}) it runs that command.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
// Components schedule their work as SchedulingConfigurers, at intervals read from their feature's
// configuration record, so that each default is written once: in the record, not in a
// @Scheduled("${...:default}") string as well.
@EnableScheduling
public class KeymintApplication {

    public static void main(String[] args) {
        if (Commands.isCommand(args)) {
            System.exit(Commands.run(args));
        }
        SpringApplication.run(KeymintApplication.class, args);
    }

    /**
     * The one clock the server reads; tests and rules take it as a parameter. A context that
     * brings its own (a test moving time to a budget's reset) replaces it.
     */
    @Bean
    @ConditionalOnMissingBean(Clock.class)
    Clock clock() {
        return Clock.systemUTC();
    }
}
