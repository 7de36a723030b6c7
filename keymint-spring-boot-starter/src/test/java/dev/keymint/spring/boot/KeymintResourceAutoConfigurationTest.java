package dev.keymint.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keymint.sdk.TokenVerifier;
import dev.keymint.sdk.UsageReporter;
import dev.keymint.sdk.spring.KeymintJwtDecoder;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.web.SecurityFilterChain;

/** Which beans the starter contributes, and that each gives way to the application's own. */
class KeymintResourceAutoConfigurationTest {

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner().withConfiguration(
            AutoConfigurations.of(KeymintResourceAutoConfiguration.class, ServletWebSecurityAutoConfiguration.class));

    private final WebApplicationContextRunner configured = runner.withPropertyValues(
            "keymint.resource.issuer-uri=https://auth.example.com");

    @Test
    void withoutIssuerUriThenNothingIsConfigured() {
        runner.run(context -> {
            assertThat(context).hasNotFailed().doesNotHaveBean(TokenVerifier.class).doesNotHaveBean("keymint")
                    .doesNotHaveBean("keymintSecurityFilterChain");
        });
    }

    @Test
    void withIssuerUriThenVerifierDecoderExpressionsAndChainButNoUsageReporter() {
        configured.run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(TokenVerifier.class).hasBean("keymintSecurityFilterChain")
                    .hasSingleBean(SecurityFilterChain.class).doesNotHaveBean(UsageReporter.class);
            assertThat(context.getBean(JwtDecoder.class)).isInstanceOf(KeymintJwtDecoder.class);
            assertThat(context.getBean("keymint")).isInstanceOf(KeymintExpressions.class);
        });
    }

    @Test
    void applicationSecurityFilterChainReplacesTheStartersButKeepsItsDecoder() {
        configured.withUserConfiguration(OwnChain.class).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(SecurityFilterChain.class).hasBean("ownChain")
                    .doesNotHaveBean("keymintSecurityFilterChain");
            assertThat(context.getBean(JwtDecoder.class)).isInstanceOf(KeymintJwtDecoder.class);
        });
    }

    @Test
    void applicationVerifierIsTheOneTheDecoderUses() {
        configured.withUserConfiguration(OwnVerifier.class).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(TokenVerifier.class);
            assertThat(context.getBean(TokenVerifier.class)).isSameAs(context.getBean(OwnVerifier.class).verifier);
        });
    }

    @Test
    void usageClientIdWithApiKeyThenReporterIsBuiltAndClosedWithTheContext() {
        configured.withPropertyValues("keymint.resource.usage.client-id=key_reporter",
                "keymint.resource.usage.api-key=kmk_secret", "keymint.resource.usage.interval=1m").run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(UsageReporter.class);
        });
    }

    @Test
    void usageClientIdWithoutApiKeyThenStartupFailsNamingTheProperty() {
        configured.withPropertyValues("keymint.resource.usage.client-id=key_reporter").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                    .hasMessage("keymint.resource.usage.api-key is required with keymint.resource.usage.client-id");
        });
    }

    @Test
    void emptyIssuerUriThenStartupFailsNamingTheProperty() {
        runner.withPropertyValues("keymint.resource.issuer-uri=").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessage("keymint.resource.issuer-uri cannot be empty");
        });
    }

    @Test
    void plainHttpIssuerOffLocalhostOnlyWithAllowPlainHttp() {
        WebApplicationContextRunner privateNetwork = runner.withPropertyValues("keymint.resource.issuer-uri=http://keymint:8080",
                "keymint.resource.usage.client-id=key_reporter", "keymint.resource.usage.api-key=kmk_secret");
        privateNetwork.run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("must use https");
        });
        privateNetwork.withPropertyValues("keymint.resource.allow-plain-http=true").run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(TokenVerifier.class).hasSingleBean(UsageReporter.class);
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnChain {
        @Bean
        SecurityFilterChain ownChain(HttpSecurity http) throws Exception {
            return http.authorizeHttpRequests(a -> a.anyRequest().permitAll()).build();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnVerifier {
        final TokenVerifier verifier = TokenVerifier.forIssuer("https://other.example.com").build();

        @Bean
        TokenVerifier ownVerifier() {
            return verifier;
        }
    }
}
