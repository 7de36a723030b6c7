package dev.keymint.server.tokens;

import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Answers every method but POST on the token and introspection endpoints with 405 and an OAuth
 * error body. POST never gets here: the authorization server's filter chain handles it.
 */
@RestController
class TokenEndpointMethodGuard {

    @RequestMapping(TokenEndpointSecurityConfiguration.TOKEN_ENDPOINT)
    ResponseEntity<Map<String, String>> tokenMethodNotAllowed() {
        return postOnly("The token endpoint accepts only POST");
    }

    @RequestMapping(TokenEndpointSecurityConfiguration.INTROSPECTION_ENDPOINT)
    ResponseEntity<Map<String, String>> introspectionMethodNotAllowed() {
        return postOnly("The introspection endpoint accepts only POST");
    }

    private static ResponseEntity<Map<String, String>> postOnly(String description) {
        return ResponseEntity.status(HttpStatus.METHOD_NOT_ALLOWED)
                .header(HttpHeaders.ALLOW, "POST")
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .body(Map.of("error", "invalid_request", "error_description", description));
    }
}
