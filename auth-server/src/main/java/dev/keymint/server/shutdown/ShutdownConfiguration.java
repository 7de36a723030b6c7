package dev.keymint.server.shutdown;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication
class ShutdownConfiguration {

    @Bean
    ConnectionDrain connectionDrain(ShutdownProperties properties) {
        return new ConnectionDrain(properties);
    }

    /** Ahead of every other filter, so that even a refused request tells its client to reconnect. */
    @Bean
    FilterRegistrationBean<ConnectionDrain> connectionDrainFilter(ConnectionDrain drain) {
        var registration = new FilterRegistrationBean<>(drain);
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }
}
