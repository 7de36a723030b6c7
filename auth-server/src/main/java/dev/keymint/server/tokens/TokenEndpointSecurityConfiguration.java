package dev.keymint.server.tokens;

import dev.keymint.server.keys.ApiKeyCache;
import dev.keymint.server.keys.JdbcApiKeyRepository;
import dev.keymint.server.keys.LastUsedRecorder;
import dev.keymint.server.limits.KeyLimiter;
import dev.keymint.server.network.ClientAddressResolver;
import dev.keymint.server.signing.SigningKeys;
import dev.keymint.server.usage.UsageRecorder;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.web.authentication.ClientSecretBasicAuthenticationConverter;
import org.springframework.security.oauth2.server.authorization.web.authentication.ClientSecretPostAuthenticationConverter;
import org.springframework.security.oauth2.server.authorization.web.authentication.OAuth2ClientCredentialsAuthenticationConverter;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.firewall.HttpStatusRequestRejectedHandler;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.security.web.savedrequest.NullRequestCache;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import tools.jackson.databind.json.JsonMapper;

/**
 * Wires Spring Security's authorization server for the one thing Keymint serves with it:
 * {@code POST /oauth/token} with the client-credentials grant, authenticated by API key. Every
 * other grant is {@code unsupported_grant_type}; every other client authentication method is
 * ignored; nothing is stored per token; no session is created.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication
public class TokenEndpointSecurityConfiguration {

    public static final String TOKEN_ENDPOINT = "/oauth/token";

    @Bean
    AuthorizationServerSettings authorizationServerSettings(IssuerResolver issuers) {
        AuthorizationServerSettings.Builder settings = AuthorizationServerSettings.builder().tokenEndpoint(TOKEN_ENDPOINT);
        if (issuers.configured() != null) {
            settings.issuer(issuers.configured());
        }
        return settings.build();
    }

    /**
     * No Micrometer observation around every security filter, authentication and authorization:
     * with an ObservationRegistry present Spring Security wraps each of them, which a profile of the
     * token endpoint put at several percent of its CPU. The HTTP request metric
     * ({@code http.server.requests}) still measures the token endpoint.
     */
    @Bean
    static SecurityObservationSettings securityObservationSettings() {
        return SecurityObservationSettings.noObservations();
    }

    /**
     * Queues token requests before any work is done on them, inside the HTTP request metric (so
     * it counts the wait) and ahead of Spring Security's filters.
     */
    @Bean
    FilterRegistrationBean<TokenRequestAdmission> tokenRequestAdmission(TokenConcurrencyProperties concurrency,
                                                                        JsonMapper json,
                                                                        ObjectProvider<MeterRegistry> meters) {
        var admission = new TokenRequestAdmission(concurrency.effectiveLimit(), concurrency.maxWait(),
                OAuthErrorResponseHandler.forTokenRequests(json));
        meters.ifAvailable(registry -> Gauge.builder("keymint.tokens.waiting", admission, TokenRequestAdmission::waiting)
                .description("Token requests waiting for their turn (see keymint.tokens.concurrency)")
                .register(registry));
        var registration = new FilterRegistrationBean<>(admission);
        registration.addUrlPatterns(TOKEN_ENDPOINT);
        registration.setOrder(SecurityFilterProperties.DEFAULT_FILTER_ORDER - 1);
        return registration;
    }

    /**
     * Spring Security's firewall rejects some requests before any filter chain (a control
     * character in a parameter name, for one); on the token endpoint the client still gets OAuth
     * error JSON. Other paths keep the default: a 400 through the error page.
     */
    @Bean
    RequestRejectedHandler requestRejectedHandler(JsonMapper json) {
        OAuthErrorResponseHandler errors = OAuthErrorResponseHandler.forTokenRequests(json);
        RequestRejectedHandler otherPaths = new HttpStatusRequestRejectedHandler();
        return (request, response, rejected) -> {
            if (TOKEN_ENDPOINT.equals(request.getRequestURI())) {
                errors.write(response, new OAuth2Error(OAuth2ErrorCodes.INVALID_REQUEST,
                        "The request contains characters that are not allowed", null));
            } else {
                otherPaths.handle(request, response, rejected);
            }
        };
    }

    /** The authorization server insists on a repository; the token path never uses it to find keys. */
    @Bean
    RegisteredClientRepository registeredClientRepository(JdbcApiKeyRepository keys) {
        return new ApiKeyRegisteredClientRepository(keys);
    }

    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    SecurityFilterChain tokenEndpointFilterChain(HttpSecurity http, ApiKeyCache keys, SigningKeys signingKeys,
                                                 TokenProperties tokens, LastUsedRecorder lastUsed, Clock clock,
                                                 JsonMapper json, ClientAddressResolver addresses, KeyLimiter limiter,
                                                 UsageRecorder usage) throws Exception {
        var clientAuthentication = new ApiKeyClientAuthenticationProvider(keys, addresses, limiter, usage, clock);
        var clientCredentials = new ClientCredentialsTokenProvider(new AccessTokenMinter(signingKeys, tokens, clock),
                lastUsed, limiter, usage);
        http.securityMatcher(PathPatternRequestMatcher.withDefaults().matcher(HttpMethod.POST, TOKEN_ENDPOINT))
                .oauth2AuthorizationServer(server -> server
                        .clientAuthentication(client -> client
                                .authenticationConverters(converters -> {
                                    converters.clear();
                                    converters.add(new ClientSecretBasicAuthenticationConverter());
                                    converters.add(new ClientSecretPostAuthenticationConverter());
                                })
                                .authenticationProviders(providers -> {
                                    providers.clear();
                                    providers.add(clientAuthentication);
                                })
                                .errorResponseHandler(OAuthErrorResponseHandler.forClientAuthentication(json)))
                        .tokenEndpoint(token -> token
                                .accessTokenRequestConverters(converters -> {
                                    converters.clear();
                                    converters.add(new OAuth2ClientCredentialsAuthenticationConverter());
                                })
                                .authenticationProviders(providers -> {
                                    providers.clear();
                                    providers.add(clientCredentials);
                                })
                                .accessTokenResponseHandler(new TokenResponseWriter(json))
                                .errorResponseHandler(OAuthErrorResponseHandler.forTokenRequests(json))))
                .exceptionHandling(exceptions -> exceptions.authenticationEntryPoint(new MissingClientAuthenticationEntryPoint(json)))
                .authorizeHttpRequests(requests -> requests.anyRequest().authenticated())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(cache -> cache.requestCache(new NullRequestCache()))
                // The response writers set Cache-Control and Pragma; the browser-oriented headers
                // (frame options, XSS, HSTS…) mean nothing on a JSON endpoint and cost per token.
                .headers(headers -> headers.disable())
                .anonymous(anonymous -> anonymous.disable())
                .csrf(csrf -> csrf.disable());
        return http.build();
    }

    /** Public endpoints outside the token path: discovery, JWKS, health; everything else is closed. */
    @Bean
    @Order(Ordered.LOWEST_PRECEDENCE)
    SecurityFilterChain publicEndpointsFilterChain(HttpSecurity http) throws Exception {
        http.authorizeHttpRequests(requests -> requests
                        .requestMatchers("/.well-known/**", "/oauth/**", "/actuator/health/**", "/actuator/health",
                                "/actuator/info", "/actuator/prometheus", "/error").permitAll()
                        .anyRequest().denyAll())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(cache -> cache.requestCache(new NullRequestCache()))
                .csrf(csrf -> csrf.disable());
        return http.build();
    }
}
