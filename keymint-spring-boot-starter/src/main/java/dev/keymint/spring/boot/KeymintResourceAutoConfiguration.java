package dev.keymint.spring.boot;

import dev.keymint.sdk.TokenVerifier;
import dev.keymint.sdk.UsageReporter;
import dev.keymint.sdk.spring.KeymintAuthenticationEntryPoint;
import dev.keymint.sdk.spring.KeymintJwtDecoder;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.security.autoconfigure.web.servlet.ConditionalOnDefaultServletWebSecurity;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.JwtGrantedAuthoritiesConverter;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Makes a servlet Spring Boot application a resource server for Keymint tokens once
 * {@code keymint.resource.issuer-uri} is set: a {@link TokenVerifier} (and a {@link UsageReporter}
 * with {@code keymint.resource.usage.client-id}), resource-sdk's {@link KeymintJwtDecoder} and
 * {@link KeymintAuthenticationEntryPoint}, scopes as {@code SCOPE_action:filter} authorities, the
 * {@code keymint} bean for {@code @PreAuthorize}, method security, and a filter chain requiring a
 * valid token on every request. Each bean backs off when the application defines its own; the
 * chain backs off for any application {@link SecurityFilterChain}.
 *
 * <p>Runs before Boot's resource-server and web security auto-configurations so that theirs (a
 * JWT decoder from {@code spring.security.oauth2.resourceserver.*}, a form-login chain, a
 * generated user) back off.
 */
@AutoConfiguration(beforeName = {
        "org.springframework.boot.security.oauth2.server.resource.autoconfigure.OAuth2ResourceServerAutoConfiguration",
        "org.springframework.boot.security.oauth2.server.resource.autoconfigure.web.OAuth2ResourceServerWebSecurityAutoConfiguration",
        "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration",
        "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration"})
@ConditionalOnClass({TokenVerifier.class, KeymintJwtDecoder.class, JwtDecoder.class, HttpSecurity.class})
@ConditionalOnProperty(prefix = "keymint.resource", name = "issuer-uri")
@EnableConfigurationProperties(KeymintResourceProperties.class)
public class KeymintResourceAutoConfiguration {

    /** The scope claim as authorities: {@code read:projects/42} becomes {@code SCOPE_read:projects/42}. */
    public static final String AUTHORITY_PREFIX = "SCOPE_";

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    @ConditionalOnProperty(prefix = "keymint.resource.usage", name = "client-id")
    UsageReporter keymintUsageReporter(KeymintResourceProperties properties) {
        KeymintResourceProperties.Usage usage = properties.usage();
        if (usage.apiKey() == null || usage.apiKey().isBlank()) {
            throw new IllegalStateException("keymint.resource.usage.api-key is required with keymint.resource.usage.client-id");
        }
        UsageReporter.Builder builder = UsageReporter.forIssuer(properties.issuerUri().toString())
                .credentials(usage.clientId(), usage.apiKey())
                .interval(usage.interval());
        if (properties.allowPlainHttp()) {
            builder.allowPlainHttp();
        }
        return builder.build();
    }

    @Bean
    @ConditionalOnMissingBean
    TokenVerifier keymintTokenVerifier(KeymintResourceProperties properties, ObjectProvider<UsageReporter> usageReporter) {
        TokenVerifier.Builder builder = TokenVerifier.forIssuer(properties.issuerUri().toString())
                .statusCheck(properties.statusCheck())
                .apiRateLimit(properties.apiRateLimit())
                .apiKeys(properties.apiKeys());
        if (properties.allowPlainHttp()) {
            builder.allowPlainHttp();
        }
        if (properties.jwkSetUri() != null) {
            builder.jwksUri(properties.jwkSetUri());
        }
        if (properties.audience() != null) {
            builder.audience(properties.audience());
        }
        if (properties.organization() != null) {
            builder.organization(properties.organization());
        }
        usageReporter.ifAvailable(builder::usageReporter);
        return builder.build();
    }

    @Bean
    @ConditionalOnMissingBean
    JwtDecoder keymintJwtDecoder(TokenVerifier verifier) {
        return new KeymintJwtDecoder(verifier);
    }

    @Bean
    @ConditionalOnMissingBean
    KeymintAuthenticationEntryPoint keymintAuthenticationEntryPoint() {
        return new KeymintAuthenticationEntryPoint();
    }

    /** Scopes as authorities; the key id ({@code client_id}) as the authentication's name. */
    @Bean
    @ConditionalOnMissingBean
    JwtAuthenticationConverter keymintJwtAuthenticationConverter() {
        JwtGrantedAuthoritiesConverter authorities = new JwtGrantedAuthoritiesConverter();
        authorities.setAuthoritiesClaimName("scope");
        authorities.setAuthorityPrefix(AUTHORITY_PREFIX);
        JwtAuthenticationConverter converter = new JwtAuthenticationConverter();
        converter.setJwtGrantedAuthoritiesConverter(authorities);
        converter.setPrincipalClaimName("client_id");
        return converter;
    }

    @Bean("keymint")
    @ConditionalOnMissingBean(name = "keymint")
    KeymintExpressions keymint() {
        return new KeymintExpressions();
    }

    /** {@code @PreAuthorize} on; an application's own {@code @EnableMethodSecurity} is the same configuration. */
    @Configuration(proxyBeanMethods = false)
    @EnableMethodSecurity
    static class MethodSecurityConfiguration {
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    @ConditionalOnDefaultServletWebSecurity
    static class SecurityFilterChainConfiguration {

        /**
         * Every request needs a valid Keymint token: 401 without one or with a bad one, 429 over the
         * key's API rate limit, 403 when a handler's scope check fails. Stateless: no session, and no
         * CSRF token (a bearer token is not sent by browsers on their own). The RFC 9728 metadata
         * Spring serves at {@code /.well-known/oauth-protected-resource} names the Keymint issuer, so
         * a client can find where to get a token.
         */
        @Bean
        SecurityFilterChain keymintSecurityFilterChain(HttpSecurity http, KeymintResourceProperties properties,
                                                       JwtDecoder decoder,
                                                       JwtAuthenticationConverter converter,
                                                       KeymintAuthenticationEntryPoint entryPoint) throws Exception {
            return http
                    .authorizeHttpRequests(requests -> requests.anyRequest().authenticated())
                    .oauth2ResourceServer(resourceServer -> resourceServer
                            .jwt(jwt -> jwt.decoder(decoder).jwtAuthenticationConverter(converter))
                            .authenticationEntryPoint(entryPoint)
                            .protectedResourceMetadata(metadata -> metadata.protectedResourceMetadataCustomizer(
                                    resource -> resource.authorizationServer(properties.issuerUri().toString()))))
                    .exceptionHandling(exceptions -> exceptions.authenticationEntryPoint(entryPoint))
                    .sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                    .csrf(AbstractHttpConfigurer::disable)
                    .build();
        }
    }
}
