package dev.keymint.server.admin;

import static dev.keymint.sdk.spring.KeymintAuthorization.require;

import dev.keymint.server.tokens.IssuerResolver;
import dev.keymint.server.tokens.OwnTokenVerifiers;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.security.oauth2.server.resource.web.access.BearerTokenAccessDeniedHandler;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.savedrequest.NullRequestCache;
import tools.jackson.databind.json.JsonMapper;

/**
 * The admin API is a resource server for Keymint's own access tokens: a bearer token verified by
 * resource-sdk ({@link AdminTokenVerifiers}) whose scopes cover the operation's {@code admin}
 * scope, checked by {@code KeymintAuthorization} (the SDK's rules, nothing of our own):
 * {@code admin:keys/**} for keys, {@code admin:usage/**} for usage, {@code admin:audit/**} for
 * the audit trail, {@code admin:organizations/**} (and the operator organization) for the
 * organization listing. 401 and 403 carry RFC 6750 {@code WWW-Authenticate: Bearer …} and a
 * problem JSON body. The OpenAPI document is public.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6750#section-3">RFC 6750 §3</a>
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication
public class AdminSecurityConfiguration {

    public static final String BASE = "/admin/v1";

    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE + 10)
    SecurityFilterChain adminFilterChain(HttpSecurity http, IssuerResolver issuers, OwnTokenVerifiers ownTokens,
                                         JsonMapper json) throws Exception {
        BearerTokenAuthenticationEntryPoint challenge = new BearerTokenAuthenticationEntryPoint();
        challenge.setRealmName("keymint-admin");
        BearerTokenAccessDeniedHandler denied = new BearerTokenAccessDeniedHandler();
        denied.setRealmName("keymint-admin");
        http.securityMatcher("/admin/**")
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers(HttpMethod.GET, BASE + "/openapi.yaml").permitAll()
                        .requestMatchers(BASE + "/keys", BASE + "/keys/**").access(require("admin", "keys/**"))
                        .requestMatchers(BASE + "/usage", BASE + "/usage/**").access(require("admin", "usage/**"))
                        .requestMatchers(BASE + "/audit", BASE + "/audit/**").access(require("admin", "audit/**"))
                        .requestMatchers(BASE + "/organizations", BASE + "/organizations/**")
                        .access(require("admin", "organizations/**"))
                        .requestMatchers(BASE + "/signing-keys", BASE + "/signing-keys/**")
                        .access(require("admin", "signing-keys/**"))
                        .anyRequest().authenticated())
                .oauth2ResourceServer(resourceServer -> resourceServer
                        .authenticationManagerResolver(new AdminTokenVerifiers(issuers, ownTokens))
                        .authenticationEntryPoint((request, response, exception) -> {
                            challenge.commence(request, response, exception);
                            writeProblem(json, response, HttpStatus.UNAUTHORIZED, "unauthorized", "Unauthorized",
                                    request.getHeader("Authorization") == null
                                            ? "A Keymint access token is required (Authorization: Bearer ...)"
                                            : "The access token was rejected: " + safe(exception.getMessage()));
                        })
                        .accessDeniedHandler((request, response, exception) -> {
                            denied.handle(request, response, exception);
                            writeProblem(json, response, HttpStatus.FORBIDDEN, "insufficient-scope", "Forbidden",
                                    "The access token's scopes do not cover this operation");
                        }))
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(cache -> cache.requestCache(new NullRequestCache()))
                .headers(headers -> headers.cacheControl(cache -> { }))
                .csrf(csrf -> csrf.disable());
        return http.build();
    }

    private static String safe(String message) {
        if (message == null) {
            return "missing";
        }
        String printable = message.replaceAll("[^\\x20-\\x7e]", "?");
        return printable.length() > 200 ? printable.substring(0, 200) : printable;
    }

    static void writeProblem(JsonMapper json, HttpServletResponse response, HttpStatus status, String type,
                             String title, String detail) throws IOException {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", AdminProblem.TYPE_BASE + type);
        problem.put("title", title);
        problem.put("status", status.value());
        problem.put("detail", detail);
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        json.writeValue(response.getOutputStream(), problem);
    }
}
