package dev.keymint.server.signing;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.SignedJWT;
import dev.keymint.sdk.SignatureAlgorithm;
import dev.keymint.sdk.TokenVerifier;
import dev.keymint.server.organizations.OrganizationBootstrapper.BootstrappedOrganization;
import dev.keymint.server.testsupport.KeymintServer;
import dev.keymint.server.testsupport.TokenClient;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Each signing algorithm end to end: the JWKS and metadata name it, and the SDK verifies its tokens. */
class SigningAlgorithmsTest {

    @ParameterizedTest
    @EnumSource(value = SignatureAlgorithm.class)
    void serverSignsWithTheConfiguredAlgorithm(SignatureAlgorithm algorithm) throws Exception {
        try (KeymintServer server = KeymintServer.onFreshDatabase()
                .property("keymint.signing.algorithm", algorithm.name()).start()) {
            BootstrappedOrganization acme = server.bootstrap("acme", "read:*");

            String token = new TokenClient(server.tokenEndpoint())
                    .basic(acme.clientId(), acme.apiKey(), "grant_type", "client_credentials").accessToken();

            assertThat(SignedJWT.parse(token).getHeader().getAlgorithm().getName()).isEqualTo(algorithm.name());
            assertThat(TokenClient.get(server.baseUrl() + "/oauth/jwks").body()).contains("\"alg\":\"" + algorithm.name() + "\"");
            assertThat(TokenClient.get(server.baseUrl() + "/.well-known/oauth-authorization-server").body())
                    .contains("\"access_token_signing_alg_values_supported\":[\"" + algorithm.name() + "\"]");
            TokenVerifier verifier = TokenVerifier.forIssuer(server.issuer()).algorithms(algorithm).build();
            assertThat(verifier.verify(token).organization()).isEqualTo("acme");
        }
    }
}
