package dev.keymint.server;

import java.time.Clock;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * The token server's Spring configuration. The jar starts at {@code cli.Main},
 * which runs a command or this server.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
// Components schedule their work as SchedulingConfigurers, at intervals read from their feature's
// configuration record, so that each default is written once: in the record, not in a
// @Scheduled("${...:default}") string as well.
@EnableScheduling
public class KeymintApplication {

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
