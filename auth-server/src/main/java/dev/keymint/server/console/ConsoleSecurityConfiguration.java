package dev.keymint.server.console;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.ObjectPostProcessor;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.header.HeaderWriterFilter;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy;
import org.springframework.security.web.header.writers.StaticHeadersWriter;
import org.springframework.security.web.savedrequest.NullRequestCache;
import org.springframework.web.servlet.config.annotation.ResourceHandlerRegistry;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.resource.LiteWebJarsResourceResolver;

/**
 * The web console: static files under {@code /console/} (classpath {@code static/console}),
 * readable by anyone, because they hold no data; the server's root redirects here. The page
 * itself signs in at {@code POST /oauth/token} and calls the admin API with the bearer token it keeps in memory,
 * so this chain authenticates nothing; it only sets strict headers (a CSP that allows
 * same-origin scripts, styles and fetches only, no framing, no referrer, no caching) and
 * refuses every method but GET and HEAD. Ordered before the catch-all public chain. Its one
 * library, Chart.js, comes from its WebJar under {@code /console/webjars/}, so it is served with the
 * same headers and the page still loads nothing from elsewhere.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication
public class ConsoleSecurityConfiguration implements WebMvcConfigurer {

    public static final String PATH = "/console";

    public static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE + 20)
    SecurityFilterChain consoleFilterChain(HttpSecurity http) throws Exception {
        http.securityMatcher("/", PATH, PATH + "/**")
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers(HttpMethod.GET, "/", PATH, PATH + "/**").permitAll()
                        .requestMatchers(HttpMethod.HEAD, "/", PATH, PATH + "/**").permitAll()
                        .anyRequest().denyAll())
                .headers(headers -> headers
                        .contentSecurityPolicy(csp -> csp.policyDirectives(CONTENT_SECURITY_POLICY))
                        .referrerPolicy(referrer -> referrer.policy(ReferrerPolicy.NO_REFERRER))
                        .frameOptions(frame -> frame.deny())
                        .cacheControl(cache -> cache.disable())
                        .addHeaderWriter(new StaticHeadersWriter("Cache-Control", "no-store"))
                        .addHeaderWriter(new StaticHeadersWriter("Cross-Origin-Opener-Policy", "same-origin"))
                        // Before the handler runs: a HEAD of /console/ (forwarded) commits early.
                        .withObjectPostProcessor(new ObjectPostProcessor<HeaderWriterFilter>() {
                            @Override
                            public <O extends HeaderWriterFilter> O postProcess(O filter) {
                                filter.setShouldWriteHeadersEagerly(true);
                                return filter;
                            }
                        }))
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(cache -> cache.requestCache(new NullRequestCache()))
                .csrf(csrf -> csrf.disable());
        return http.build();
    }

    /**
     * {@code /console/webjars/chart.js/dist/…}: the version is the WebJar's (root pom), found by
     * webjars-locator-lite, so the page names no version.
     */
    @Override
    public void addResourceHandlers(ResourceHandlerRegistry registry) {
        registry.addResourceHandler(PATH + "/webjars/**")
                .addResourceLocations("classpath:/META-INF/resources/webjars/")
                .resourceChain(true)
                .addResolver(new LiteWebJarsResourceResolver());
    }

    /**
     * {@code /} and {@code /console} → {@code /console/} (someone opening the server's address in a
     * browser lands in the console); {@code /console/} shows {@code index.html}.
     */
    @Override
    public void addViewControllers(ViewControllerRegistry registry) {
        registry.addRedirectViewController("/", PATH + "/");
        registry.addRedirectViewController(PATH, PATH + "/");
        registry.addViewController(PATH + "/").setViewName("forward:" + PATH + "/index.html");
    }
}
