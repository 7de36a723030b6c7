package dev.keymint.server.admin;

import static dev.keymint.sdk.spring.KeymintAuthorization.require;

import dev.keymint.server.tokens.IssuerResolver;
import dev.keymint.server.tokens.OwnTokenVerifiers;
import dev.keymint.server.web.Problems;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.savedrequest.NullRequestCache;
import tools.jackson.databind.json.JsonMapper;

/**
 * The admin API is a resource server for Keymint's own access tokens: a bearer token verified by
 * resource-sdk ({@link AdminTokenVerifiers}) whose scopes cover the operation's {@code admin}
 * scope, checked by {@code KeymintAuthorization} (the SDK's rules, nothing of our own):
 * {@code admin:keys/**} for keys, {@code admin:usage/**} for usage, {@code admin:usage-reports/**}
 * for resource servers reporting the API requests they served, {@code admin:audit/**} for
 * the audit trail, {@code admin:organizations/**} (and the operator organization) for the
 * organization listing. 401 and 403 carry RFC 6750 {@code WWW-Authenticate: Bearer …} and a
 * problem JSON body; the 401's {@code resource_metadata} names the RFC 9728 document
 * {@link ProtectedResourceMetadataEndpoint} serves. The OpenAPI document is public.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6750#section-3">RFC 6750 §3</a>
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication
public class AdminSecurityConfiguration {

    public static final String BASE = "/admin/v1";
    static final String REALM = "keymint-admin";
    static final int MAX_CHALLENGE_SCOPE = 2048;
    /** Where RFC 9728 metadata about the admin API lives, relative to the issuer. */
    static final String RESOURCE_METADATA = "/.well-known/oauth-protected-resource" + BASE;

    /**
     * The admin scope each path (and everything below it) requires: the one table the filter
     * chain, the 403 challenge and the protected resource metadata read.
     */
    static final Map<String, String> SCOPES = Map.of(
            BASE + "/keys", "admin:keys/**",
            BASE + "/agents", "admin:keys/**", // an agent is a group of keys: the same authority
            BASE + "/usage", "admin:usage/**",
            BASE + "/usage-reports", "admin:usage-reports/**",
            BASE + "/audit", "admin:audit/**",
            BASE + "/organizations", "admin:organizations/**",
            BASE + "/signing-keys", "admin:signing-keys/**");

    /** Ahead of Spring Security, so that even the token check reads only well-formed parameters. */
    @Bean
    FilterRegistrationBean<AdminQueryGuard> adminQueryGuard(JsonMapper json) {
        var registration = new FilterRegistrationBean<>(new AdminQueryGuard(json));
        registration.addUrlPatterns("/admin/*");
        registration.setOrder(SecurityFilterProperties.DEFAULT_FILTER_ORDER - 1);
        return registration;
    }

    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE + 10)
    SecurityFilterChain adminFilterChain(HttpSecurity http, IssuerResolver issuers, OwnTokenVerifiers ownTokens,
                                         JsonMapper json) throws Exception {
        BearerTokenAuthenticationEntryPoint challenge = new BearerTokenAuthenticationEntryPoint();
        challenge.setRealmName(REALM);
        challenge.setResourceMetadataParameterResolver(request -> issuers.issuer() + RESOURCE_METADATA);
        http.securityMatcher("/admin/**")
                .authorizeHttpRequests(requests -> {
                    requests.requestMatchers(HttpMethod.GET, BASE + "/openapi.yaml").permitAll();
                    SCOPES.forEach((path, scope) -> requests.requestMatchers(path, path + "/**")
                            .access(require("admin", scope.substring("admin:".length()))));
                    requests.anyRequest().authenticated();
                })
                .oauth2ResourceServer(resourceServer -> resourceServer
                        .authenticationManagerResolver(new AdminTokenVerifiers(ownTokens))
                        .authenticationEntryPoint((request, response, exception) -> {
                            challenge.commence(request, response, exception);
                            writeProblem(json, response, HttpStatus.UNAUTHORIZED, "unauthorized", "Unauthorized",
                                    request.getHeader("Authorization") == null
                                            ? "A Keymint access token is required (Authorization: Bearer ...)"
                                            : "The access token was rejected: " + safe(exception.getMessage()));
                        })
                        .accessDeniedHandler((request, response, exception) -> {
                            String detail = "The access token's scopes do not cover this operation";
                            response.setHeader(HttpHeaders.WWW_AUTHENTICATE,
                                    insufficientScope(detail, requiredScope(request.getRequestURI())));
                            writeProblem(json, response, HttpStatus.FORBIDDEN, "insufficient-scope", "Forbidden", detail);
                        }))
                .addFilterBefore(new AdminDatabaseOutageFilter(json), BearerTokenAuthenticationFilter.class)
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(cache -> cache.requestCache(new NullRequestCache()))
                .headers(headers -> headers.cacheControl(cache -> { }))
                .csrf(csrf -> csrf.disable());
        return http.build();
    }

    /**
     * The RFC 6750 §3 challenge of every admin 403. A {@code scope} longer than
     * {@value #MAX_CHALLENGE_SCOPE} characters is left out (the problem body lists it in full):
     * a key may hold 100 scopes of 512 characters, and Tomcat refuses to send a response whose
     * headers exceed 8 KiB.
     *
     * @param scope the scope that would have been enough, or null when no scope would do
     */
    static String insufficientScope(String description, String scope) {
        String challenge = "Bearer realm=\"" + REALM + "\", error=\"insufficient_scope\", error_description=\""
                + safe(description).replace('"', '\'').replace('\\', '/') + "\"";
        return scope == null || scope.length() > MAX_CHALLENGE_SCOPE ? challenge
                : challenge + ", scope=\"" + scope + "\"";
    }

    private static String requiredScope(String path) {
        return SCOPES.entrySet().stream()
                .filter(entry -> path.equals(entry.getKey()) || path.startsWith(entry.getKey() + "/"))
                .map(Map.Entry::getValue).findFirst().orElse(null);
    }

    private static String safe(String message) {
        if (message == null) {
            return "missing";
        }
        String printable = message.replaceAll("[^\\x20-\\x7e]", "?");
        return printable.length() > 200 ? printable.substring(0, 200) : printable;
    }

    /** A problem written by a filter or entry point, ahead of Spring MVC: the same shape as every admin problem. */
    static void writeProblem(JsonMapper json, HttpServletResponse response, HttpStatus status, String type,
                             String title, String detail) throws IOException {
        Problems.write(json, response, Problems.of(status, type, title, detail));
    }
}
