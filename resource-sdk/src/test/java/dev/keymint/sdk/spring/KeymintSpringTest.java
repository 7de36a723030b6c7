package dev.keymint.sdk.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keymint.sdk.InvalidScopeException;
import dev.keymint.sdk.StatusListServer;
import dev.keymint.sdk.TokenFixture;
import dev.keymint.sdk.TokenVerifier;
import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;

class KeymintSpringTest {

    private final TokenVerifier verifier = TokenVerifier.forIssuer(TokenFixture.ISSUER)
            .jwks(TokenFixture.jwks(TokenFixture.KEY)).audience(TokenFixture.AUDIENCE).build();
    private final KeymintJwtDecoder decoder = new KeymintJwtDecoder(verifier);

    private static final HttpServletRequest REQUEST = (HttpServletRequest) Proxy.newProxyInstance(
            KeymintSpringTest.class.getClassLoader(), new Class<?>[] {HttpServletRequest.class}, (p, m, a) -> null);

    private Authentication auth(String scope) {
        Jwt jwt = decoder.decode(TokenFixture.token(Instant.now()).claim("scope", scope).build());
        return new JwtAuthenticationToken(jwt, List.of());
    }

    @Test
    void decodeWhenValidThenSpringJwtWithInstantsAndAudienceList() {
        String token = TokenFixture.token(Instant.now()).build();
        Jwt jwt = decoder.decode(token);
        assertThat(jwt.getTokenValue()).isEqualTo(token);
        assertThat(jwt.getSubject()).isEqualTo("key_abc");
        assertThat(jwt.getIssuedAt()).isNotNull();
        assertThat(jwt.getExpiresAt()).isAfter(Instant.now());
        assertThat(jwt.getAudience()).containsExactly(TokenFixture.AUDIENCE);
        assertThat(jwt.getHeaders()).containsEntry("alg", "RS256").containsEntry("kid", "k1");
        assertThat(jwt.getClaimAsString("scope")).isEqualTo("read:projects/42/** write:projects/42/invoices/*");
        assertThat(jwt.getIssuer().toString()).isEqualTo(TokenFixture.ISSUER);
    }

    @Test
    void decodeWhenRejectedThenBadJwtElseJwtExceptionForKeyOutage() {
        assertThatThrownBy(() -> decoder.decode("garbage")).isInstanceOf(BadJwtException.class);
        String expired = TokenFixture.token(Instant.now().minusSeconds(3600)).build();
        assertThatThrownBy(() -> decoder.decode(expired)).isInstanceOf(BadJwtException.class).hasMessageContaining("expired");
        TokenVerifier down = TokenVerifier.forIssuer(TokenFixture.ISSUER).jwksUri(URI.create("https://keys.invalid/jwks"))
                .fetcher(uri -> {
                    throw new java.io.IOException("down");
                }).build();
        assertThatThrownBy(() -> new KeymintJwtDecoder(down).decode(TokenFixture.token(Instant.now()).build()))
                .isInstanceOf(JwtException.class).isNotInstanceOf(BadJwtException.class);
    }

    @Test
    void requireWhenScopeCoversThenGranted() {
        AuthorizationManager<RequestAuthorizationContext> manager = KeymintAuthorization.require("admin", "keys/**");
        RequestAuthorizationContext context = new RequestAuthorizationContext(REQUEST);
        assertThat(manager.authorize(() -> auth("admin:keys/**"), context).isGranted()).isTrue();
        assertThat(manager.authorize(() -> auth("admin:*"), context).isGranted()).isTrue();
        assertThat(manager.authorize(() -> auth("admin:keys/1"), context).isGranted()).isFalse();
        assertThat(manager.authorize(() -> auth("read:keys/**"), context).isGranted()).isFalse();
        assertThat(manager.authorize(() -> null, context).isGranted()).isFalse();
        assertThat(manager.authorize(() -> new TestingAuthenticationToken("u", "p", "ROLE_X"), context).isGranted()).isFalse();
    }

    @Test
    void allowsWhenScopeCoversThenTrueAndWhenNotOrInvalidOrNoJwtThenFalse() {
        Authentication reader = auth("read:projects/42/**");
        assertThat(KeymintAuthorization.allows(reader, "read", "projects/42/docs")).isTrue();
        assertThat(KeymintAuthorization.allows(reader, "write", "projects/42/docs")).isFalse();
        assertThat(KeymintAuthorization.allows(reader, "read", "projects/7")).isFalse();
        assertThat(KeymintAuthorization.allows(reader, "read", "projects//42")).as("not scope syntax: denied").isFalse();
        assertThat(KeymintAuthorization.allows(reader, "delete", "projects/42")).isFalse();
        assertThat(KeymintAuthorization.allows(null, "read", "projects/42")).isFalse();
        assertThat(KeymintAuthorization.allows(new TestingAuthenticationToken("u", "p", "ROLE_X"), "read", "projects/42"))
                .isFalse();
    }

    @Test
    void requireWhenTemplateThenPathVariablesFilled() {
        AuthorizationManager<RequestAuthorizationContext> manager = KeymintAuthorization.require("write", "keys/{id}");
        Authentication auth = auth("write:keys/k1");
        assertThat(manager.authorize(() -> auth, new RequestAuthorizationContext(REQUEST, Map.of("id", "k1"))).isGranted()).isTrue();
        assertThat(manager.authorize(() -> auth, new RequestAuthorizationContext(REQUEST, Map.of("id", "k2"))).isGranted()).isFalse();
        assertThat(manager.authorize(() -> auth, new RequestAuthorizationContext(REQUEST, Map.of("id", "*"))).isGranted()).isFalse();
        assertThat(manager.authorize(() -> auth, new RequestAuthorizationContext(REQUEST, Map.of())).isGranted()).isFalse();
        assertThatThrownBy(() -> KeymintAuthorization.require("delete", "keys")).isInstanceOf(InvalidScopeException.class);
    }

    @Test
    void decodeWhenTokenRevokedOrSuspendedThenBadJwtSayingSoElseJwtExceptionWhenListUnavailable() {
        try (StatusListServer issuer = StatusListServer.start()) {
            issuer.publish("1", TokenFixture.statusListToken(Instant.now(), issuer.issuer, issuer.uri("1"), 2, 0, 1, 2).build());
            KeymintJwtDecoder decoder = new KeymintJwtDecoder(issuer.verifier().build());
            java.util.function.BiFunction<Integer, String, String> token = (idx, list) -> TokenFixture.token(Instant.now())
                    .claim("iss", issuer.issuer).claim("status", TokenFixture.status(idx, issuer.uri(list))).build();
            assertThat(decoder.decode(token.apply(0, "1")).getSubject()).isEqualTo("key_abc");
            assertThatThrownBy(() -> decoder.decode(token.apply(1, "1"))).isInstanceOf(BadJwtException.class)
                    .hasMessage("the token has been revoked");
            assertThatThrownBy(() -> decoder.decode(token.apply(2, "1"))).isInstanceOf(BadJwtException.class)
                    .hasMessage("the token is suspended");
            assertThatThrownBy(() -> decoder.decode(token.apply(0, "unknown"))).isInstanceOf(JwtException.class)
                    .isNotInstanceOf(BadJwtException.class);
        }
    }
}
