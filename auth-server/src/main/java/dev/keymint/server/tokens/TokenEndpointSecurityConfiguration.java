package dev.keymint.server.tokens;

import dev.keymint.server.keys.cache.ApiKeyCache;
import dev.keymint.server.keys.JdbcApiKeyRepository;
import dev.keymint.server.keys.LastUsedRecorder;
import dev.keymint.server.limits.KeyLimiter;
import dev.keymint.server.network.ClientAddressResolver;
import dev.keymint.server.signing.SigningKeys;
import dev.keymint.server.usage.KeyUseRecorder;
import dev.keymint.server.usage.UsageRecorder;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletResponse;
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
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.web.authentication.OAuth2ClientCredentialsAuthenticationConverter;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.savedrequest.NullRequestCache;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import tools.jackson.databind.json.JsonMapper;

/**
 * Wires Spring Security's authorization server for what Keymint serves with it:
 * {@code POST /oauth/token} with the client-credentials grant, and {@code POST /oauth/introspect}
 * (RFC 7662, {@link TokenIntrospectionProvider}), both authenticated by API key. Every
 * other grant is {@code unsupported_grant_type}; every other client authentication method is
 * ignored, and two at once are refused; nothing is stored per token; no session is created.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication
public class TokenEndpointSecurityConfiguration {

    public static final String TOKEN_ENDPOINT = "/oauth/token";
    /** RFC 7662 introspection, on the same client authentication as the token endpoint. */
    public static final String INTROSPECTION_ENDPOINT = "/oauth/introspect";

    /**
     * No issuer here: the authorization server would then derive one per request from the Host
     * header for its own context, which Keymint never reads; tokens and metadata take theirs from
     * {@link IssuerResolver}.
     */
    @Bean
    AuthorizationServerSettings authorizationServerSettings() {
        return AuthorizationServerSettings.builder().tokenEndpoint(TOKEN_ENDPOINT)
                .tokenIntrospectionEndpoint(INTROSPECTION_ENDPOINT).build();
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
     * Tokens issued and refused, by reason and in each key's usage; counted (unseen) in memory when
     * no registry is configured.
     */
    @Bean
    TokenOutcomes tokenOutcomes(ObjectProvider<MeterRegistry> meters, UsageRecorder usage, KeyUseRecorder keyUse,
                                Clock clock) {
        return new TokenOutcomes(meters.getIfAvailable(SimpleMeterRegistry::new), usage, keyUse, clock);
    }

    /**
     * Queues token requests before any work is done on them, inside the HTTP request metric (so
     * it counts the wait) and ahead of Spring Security's filters.
     */
    @Bean
    FilterRegistrationBean<TokenRequestAdmission> tokenRequestAdmission(TokenProperties tokens,
                                                                        JsonMapper json, TokenOutcomes outcomes,
                                                                        ObjectProvider<MeterRegistry> meters) {
        TokenProperties.Concurrency concurrency = tokens.concurrency();
        var admission = new TokenRequestAdmission(concurrency.effectiveLimit(), concurrency.maxWait(),
                OAuthErrorResponseHandler.forTokenRequests(json, outcomes));
        meters.ifAvailable(registry -> Gauge.builder("keymint.tokens.waiting", admission, TokenRequestAdmission::waiting)
                .description("Token requests waiting for their turn (see keymint.tokens.concurrency)")
                .register(registry));
        var registration = new FilterRegistrationBean<>(admission);
        registration.addUrlPatterns(TOKEN_ENDPOINT);
        registration.setOrder(SecurityFilterProperties.DEFAULT_FILTER_ORDER - 1);
        return registration;
    }

    /**
     * Refuses unusable token request forms before the admission queue, so that they never take a
     * turn, and without Spring Security seeing them.
     */
    @Bean
    FilterRegistrationBean<TokenRequestFormCheck> tokenRequestFormCheck(JsonMapper json, TokenOutcomes outcomes) {
        var registration = new FilterRegistrationBean<>(new TokenRequestFormCheck(OAuthErrorResponseHandler.forTokenRequests(json, outcomes)));
        registration.addUrlPatterns(TOKEN_ENDPOINT);
        registration.setOrder(SecurityFilterProperties.DEFAULT_FILTER_ORDER - 2);
        return registration;
    }

    /** OAuth error JSON on the error pages of {@code /oauth/} requests, answered before any other error handling. */
    @Bean
    FilterRegistrationBean<OAuthErrorPages> oauthErrorPages(JsonMapper json) {
        var registration = new FilterRegistrationBean<>(new OAuthErrorPages(OAuthErrorResponseHandler.uncounted(json)));
        registration.setDispatcherTypes(DispatcherType.ERROR);
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }

    /** The authorization server insists on a repository; the token path never uses it to find keys. */
    @Bean
    RegisteredClientRepository registeredClientRepository(JdbcApiKeyRepository keys) {
        return new ApiKeyRegisteredClientRepository(keys);
    }

    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    SecurityFilterChain tokenEndpointFilterChain(HttpSecurity http, IssuerResolver issuers, ApiKeyCache keys,
                                                 SigningKeys signingKeys,
                                                 TokenProperties tokens, LastUsedRecorder lastUsed, Clock clock,
                                                 JsonMapper json, ClientAddressResolver addresses, KeyLimiter limiter,
                                                 TokenOutcomes outcomes, OwnTokenVerifiers ownTokens,
                                                 ObjectProvider<MeterRegistry> meters) throws Exception {
        var clientAuthentication = new ApiKeyClientAuthenticationProvider(keys, addresses, limiter, clock);
        AccessTokenSource minter = new AccessTokenMinter(signingKeys, tokens, clock)::mint;
        AccessTokenSource tokenSource = tokens.reuseWindow().isZero() ? minter : new TokenReuse(minter, signingKeys,
                tokens.reuseWindow(), clock, meters.getIfAvailable(SimpleMeterRegistry::new));
        var clientCredentials = new ClientCredentialsTokenProvider(issuers, tokenSource,
                new TokenAudience(tokens.audience()), lastUsed, limiter, clock);
        var introspection = new TokenIntrospectionProvider(issuers, ownTokens, clock);
        http.securityMatcher(new OrRequestMatcher(
                        PathPatternRequestMatcher.withDefaults().matcher(HttpMethod.POST, TOKEN_ENDPOINT),
                        PathPatternRequestMatcher.withDefaults().matcher(HttpMethod.POST, INTROSPECTION_ENDPOINT)))
                .oauth2AuthorizationServer(server -> server
                        .clientAuthentication(client -> client
                                .authenticationConverters(converters -> {
                                    converters.clear();
                                    converters.add(new OneClientAuthenticationConverter());
                                })
                                .authenticationProviders(providers -> {
                                    providers.clear();
                                    providers.add(clientAuthentication);
                                })
                                .errorResponseHandler(OAuthErrorResponseHandler.forTokenRequests(json, outcomes)))
                        .tokenEndpoint(token -> token
                                .accessTokenRequestConverters(converters -> {
                                    converters.clear();
                                    converters.add(new OAuth2ClientCredentialsAuthenticationConverter());
                                })
                                .authenticationProviders(providers -> {
                                    providers.clear();
                                    providers.add(clientCredentials);
                                })
                                .accessTokenResponseHandler(new TokenResponseWriter(json, outcomes, addresses))
                                .errorResponseHandler(OAuthErrorResponseHandler.forTokenRequests(json, outcomes)))
                        .tokenIntrospectionEndpoint(endpoint -> endpoint
                                .authenticationProviders(providers -> {
                                    providers.clear();
                                    providers.add(introspection);
                                })
                                .introspectionResponseHandler(new IntrospectionResponseWriter(json))
                                .errorResponseHandler(OAuthErrorResponseHandler.uncounted(json))))
                .exceptionHandling(exceptions -> exceptions.authenticationEntryPoint(new MissingClientAuthenticationEntryPoint(
                        OAuthErrorResponseHandler.forTokenRequests(json, outcomes))))
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

    /**
     * Public endpoints outside the token path: discovery, JWKS, the liveness and readiness probes;
     * everything else is closed, and answered as what it is to an outsider, a path that does not
     * exist (404 problem JSON, written by the error page). The actuator's endpoints live on the
     * management port (this chain guards it too), which only operators reach.
     */
    @Bean
    @Order(Ordered.LOWEST_PRECEDENCE)
    SecurityFilterChain publicEndpointsFilterChain(HttpSecurity http) throws Exception {
        http.authorizeHttpRequests(requests -> requests
                        .requestMatchers("/.well-known/**", "/oauth/**", "/actuator/health/**", "/actuator/health",
                                "/actuator/info", "/actuator/prometheus", "/livez", "/readyz", "/error").permitAll()
                        .anyRequest().denyAll())
                .exceptionHandling(exceptions -> exceptions.authenticationEntryPoint(
                        (request, response, denied) -> response.sendError(HttpServletResponse.SC_NOT_FOUND)))
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(cache -> cache.requestCache(new NullRequestCache()))
                .csrf(csrf -> csrf.disable());
        return http.build();
    }
}
