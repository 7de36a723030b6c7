package dev.keymint.server.signing;

import java.util.concurrent.TimeUnit;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * The JWK Set (RFC 7517) resource servers verify tokens with, served from memory with a
 * {@code max-age} and a strong {@code ETag} (a matching {@code If-None-Match} gets 304).
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7517#section-5">RFC 7517 §5</a>
 */
@RestController
@ConditionalOnWebApplication
public class JwksEndpoint {

    public static final String PATH = "/oauth/jwks";
    private static final MediaType JWK_SET = MediaType.parseMediaType("application/jwk-set+json");

    private final SigningKeys signingKeys;
    private final CacheControl cacheControl;

    public JwksEndpoint(SigningKeys signingKeys, SigningProperties properties) {
        this.signingKeys = signingKeys;
        this.cacheControl = CacheControl.maxAge(properties.jwksMaxAge().toSeconds(), TimeUnit.SECONDS).cachePublic();
    }

    @GetMapping(path = PATH)
    public ResponseEntity<String> jwks(@RequestHeader(name = "If-None-Match", required = false) String ifNoneMatch) {
        PublishedJwks jwks = signingKeys.jwks();
        if (jwks.etag().equals(ifNoneMatch)) {
            return ResponseEntity.status(304).eTag(jwks.etag()).cacheControl(cacheControl).build();
        }
        return ResponseEntity.ok().contentType(JWK_SET).eTag(jwks.etag()).cacheControl(cacheControl).body(jwks.json());
    }
}
