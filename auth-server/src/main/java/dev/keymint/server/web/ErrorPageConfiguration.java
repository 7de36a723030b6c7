package dev.keymint.server.web;

import jakarta.servlet.DispatcherType;
import org.apache.catalina.Pipeline;
import org.apache.catalina.Valve;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import tools.jackson.databind.json.JsonMapper;

/**
 * Puts {@link ErrorPageProblems} in front of the error page (for direct requests and error
 * dispatches) and {@link ProblemErrorReportValve} in place of Tomcat's HTML error report.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication
class ErrorPageConfiguration {

    @Bean
    FilterRegistrationBean<ErrorPageProblems> errorPageProblems(JsonMapper json) {
        var registration = new FilterRegistrationBean<>(new ErrorPageProblems(json));
        registration.addUrlPatterns(ErrorPageProblems.ERROR_PATH);
        registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ERROR);
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }

    /**
     * After Spring Boot's own customizer, which installs an {@link ErrorReportValve} (without
     * server info or stack trace) on the host: that valve is replaced by ours.
     */
    @Bean
    WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory> problemErrorReports() {
        return new WebServerFactoryCustomizer<>() {
            @Override
            public void customize(ConfigurableTomcatWebServerFactory factory) {
                factory.addContextCustomizers(context -> {
                    if (context.getParent() instanceof StandardHost host) {
                        // else the host adds a stock one of its own when it starts
                        host.setErrorReportValveClass(ProblemErrorReportValve.class.getName());
                    }
                    Pipeline pipeline = context.getParent().getPipeline();
                    for (Valve valve : pipeline.getValves()) {
                        if (valve instanceof ErrorReportValve) {
                            pipeline.removeValve(valve);
                        }
                    }
                    pipeline.addValve(new ProblemErrorReportValve());
                });
            }
        };
    }
}
