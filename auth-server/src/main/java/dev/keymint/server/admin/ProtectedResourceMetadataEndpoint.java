package dev.keymint.server.admin;

import dev.keymint.server.tokens.IssuerResolver;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * The admin API's OAuth 2.0 Protected Resource Metadata, where its 401 challenge's
 * {@code resource_metadata} points: the resource identifier ({@code <issuer>/admin/v1}), this
 * server as its authorization server, bearer tokens in the header only, and the admin scopes.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9728#section-3">RFC 9728 §3</a>
 */
@RestController
@ConditionalOnWebApplication
class ProtectedResourceMetadataEndpoint {

    private final IssuerResolver issuers;

    ProtectedResourceMetadataEndpoint(IssuerResolver issuers) {
        this.issuers = issuers;
    }

    @GetMapping(AdminSecurityConfiguration.RESOURCE_METADATA)
    ResponseEntity<Metadata> metadata() {
        String issuer = issuers.issuer();
        Metadata metadata = new Metadata(issuer + AdminSecurityConfiguration.BASE, List.of(issuer), List.of("header"),
                AdminSecurityConfiguration.SCOPES.values().stream().distinct().sorted().toList(), "Keymint admin API");
        return ResponseEntity.ok()
                .contentType(MediaType.APPLICATION_JSON)
                .cacheControl(CacheControl.maxAge(Duration.ofMinutes(5)))
                .body(metadata);
    }

    /** The RFC 9728 §2 members Keymint publishes. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Metadata(String resource, List<String> authorizationServers, List<String> bearerMethodsSupported,
                    List<String> scopesSupported, String resourceName) {
    }
}
