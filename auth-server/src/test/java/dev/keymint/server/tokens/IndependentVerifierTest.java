package dev.keymint.server.tokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keymint.sdk.InsufficientScopeException;
import dev.keymint.sdk.TokenRejectedException;
import dev.keymint.sdk.TokenVerifier;
import dev.keymint.sdk.VerifiedToken;
import dev.keymint.server.organizations.OrganizationBootstrapper.BootstrappedOrganization;
import dev.keymint.server.testsupport.KeymintServer;
import dev.keymint.server.testsupport.TokenClient;
import dev.keymint.server.testsupport.TokenClient.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

/**
 * The product's promise: a token from the running server verifies offline, through discovery
 * and the JWKS alone, with Keymint's SDK and with an independent library (Spring Security's
 * NimbusJwtDecoder).
 */
class IndependentVerifierTest {

    private static KeymintServer server;
    private static BootstrappedOrganization acme;
    private static String token;

    @BeforeAll
    static void start() {
        server = KeymintServer.onFreshDatabase().start();
        acme = server.bootstrap("acme", "read:projects/42/**", "write:projects/42/invoices/*");
        token = new TokenClient(server.tokenEndpoint())
                .basic(acme.clientId(), acme.apiKey(), "grant_type", "client_credentials").accessToken();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void metadataDescribesTheClientCredentialsServer() {
        Response metadata = TokenClient.get(server.baseUrl() + "/.well-known/oauth-authorization-server");

        assertThat(metadata.status()).isEqualTo(200);
        assertThat(metadata.field("issuer")).isEqualTo(server.issuer());
        assertThat(metadata.field("token_endpoint")).isEqualTo(server.issuer() + "/oauth/token");
        assertThat(metadata.field("jwks_uri")).isEqualTo(server.issuer() + "/oauth/jwks");
        assertThat(metadata.json().get("grant_types_supported").toString()).isEqualTo("[\"client_credentials\"]");
        assertThat(metadata.json().get("token_endpoint_auth_methods_supported").toString())
                .isEqualTo("[\"client_secret_basic\",\"client_secret_post\"]");
    }

    @Test
    void jwksIsCacheableWithAnEtagAndAnswers304WhenUnchanged() {
        Response jwks = TokenClient.get(server.baseUrl() + "/oauth/jwks");

        assertThat(jwks.status()).isEqualTo(200);
        assertThat(jwks.header("Cache-Control")).contains("max-age=300");
        assertThat(jwks.json().get("keys").get(0).get("kty").asString()).isEqualTo("RSA");
        assertThat(jwks.json().get("keys").get(0).has("d")).as("private exponent must never be published").isFalse();
        Response again = TokenClient.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(server.baseUrl() + "/oauth/jwks"))
                .header("If-None-Match", jwks.header("ETag")).build());
        assertThat(again.status()).isEqualTo(304);
    }

    @Test
    void springSecurityNimbusJwtDecoderVerifiesTheToken() {
        // Spring's RFC 9068 validator checks typ at+jwt, iss, aud, exp, iat, sub, client_id and jti.
        NimbusJwtDecoder decoder = NimbusJwtDecoder.withIssuerLocation(server.issuer()).validateType(false).build();
        decoder.setJwtValidator(JwtValidators.createAtJwtValidator().issuer(server.issuer()).audience("keymint").build());

        Jwt jwt = decoder.decode(token);

        assertThat(jwt.getSubject()).isEqualTo(acme.clientId());
        assertThat(jwt.getClaimAsString("org")).isEqualTo("acme");
        assertThat(jwt.getClaimAsString("scope")).isEqualTo("read:projects/42/** write:projects/42/invoices/*");
    }

    @Test
    void resourceSdkVerifiesOfflineThroughDiscoveryAndChecksScopes() {
        TokenVerifier verifier = TokenVerifier.forIssuer(server.issuer())
                .audience("keymint")
                .organization("acme")
                .build();

        VerifiedToken verified = verifier.verify("Bearer " + token);

        assertThat(verified.clientId()).isEqualTo(acme.clientId());
        assertThat(verified.allows("read", "projects/42/docs/7")).isTrue();
        verified.require("write", "projects/42/invoices/7");
        assertThatThrownBy(() -> verified.require("write", "projects/42/docs/7"))
                .isInstanceOf(InsufficientScopeException.class);
        assertThat(verifier.verify(token).id()).isEqualTo(verified.id());
        assertThat(verifier.fetchCount()).as("one discovery + one JWKS fetch, then offline").isLessThanOrEqualTo(2);
    }

    @Test
    void resourceSdkRefusesTheTokenForAnotherOrganizationOrAudience() {
        assertThatThrownBy(() -> TokenVerifier.forIssuer(server.issuer()).organization("globex").build().verify(token))
                .isInstanceOf(TokenRejectedException.class)
                .extracting(e -> ((TokenRejectedException) e).reason())
                .isEqualTo(TokenRejectedException.Reason.WRONG_ORGANIZATION);
        assertThatThrownBy(() -> TokenVerifier.forIssuer(server.issuer()).audience("billing").build().verify(token))
                .isInstanceOf(TokenRejectedException.class)
                .extracting(e -> ((TokenRejectedException) e).reason())
                .isEqualTo(TokenRejectedException.Reason.WRONG_AUDIENCE);
    }
}
