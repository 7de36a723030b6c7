package dev.keymint.server.tokens;

import dev.keymint.server.signing.JwksEndpoint;
import dev.keymint.server.signing.SigningKeys;
import dev.keymint.server.status.StatusListIndex;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * OAuth 2.0 Authorization Server Metadata, describing exactly what Keymint does: the
 * client-credentials grant with {@code client_secret_basic} or {@code client_secret_post}, token
 * introspection (RFC 7662), and the Token Status List aggregation endpoint that lists every status list.
 *
 * <p>The token endpoint accepts RFC 8707 {@code resource} parameters ({@link TokenAudience}); no
 * registered metadata parameter announces that, and the resources themselves are per key and
 * organization, so they are not listed here (RFC 9728's {@code protected_resources} would show one
 * tenant's resource servers to every other).
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8414#section-3">RFC 8414 §3</a>
 */
@RestController
@ConditionalOnWebApplication
public class AuthorizationServerMetadataEndpoint {

    public static final String PATH = "/.well-known/oauth-authorization-server";

    private final IssuerResolver issuers;
    private final SigningKeys signingKeys;

    public AuthorizationServerMetadataEndpoint(IssuerResolver issuers, SigningKeys signingKeys) {
        this.issuers = issuers;
        this.signingKeys = signingKeys;
    }

    @GetMapping(path = PATH, produces = "application/json")
    public ResponseEntity<Map<String, Object>> metadata() {
        String issuer = issuers.issuer();
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("issuer", issuer);
        metadata.put("token_endpoint", issuer + TokenEndpointSecurityConfiguration.TOKEN_ENDPOINT);
        metadata.put("jwks_uri", issuer + JwksEndpoint.PATH);
        metadata.put("grant_types_supported", List.of("client_credentials"));
        metadata.put("token_endpoint_auth_methods_supported", List.of("client_secret_basic", "client_secret_post"));
        metadata.put("response_types_supported", List.of());
        metadata.put("access_token_signing_alg_values_supported", List.of(signingKeys.current().algorithm().getName()));
        metadata.put("introspection_endpoint", issuer + TokenEndpointSecurityConfiguration.INTROSPECTION_ENDPOINT);
        metadata.put("introspection_endpoint_auth_methods_supported", List.of("client_secret_basic", "client_secret_post"));
        metadata.put("status_list_aggregation_endpoint", issuer + StatusListIndex.PATH);
        return ResponseEntity.ok().cacheControl(CacheControl.noCache()).body(metadata);
    }
}
