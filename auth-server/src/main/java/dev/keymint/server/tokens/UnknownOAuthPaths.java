package dev.keymint.server.tokens;

import dev.keymint.server.signing.JwksEndpoint;
import dev.keymint.server.status.StatusListIndex;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpHeaders;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/**
 * Everything under {@code /oauth/} that no endpoint serves is answered in the OAuth endpoints'
 * convention (RFC 6749 §5.2 JSON, {@code no-store}) rather than the admin API's problem JSON: 404
 * for an unknown path, 405 for a method the JWKS or a status list does not serve. More specific
 * mappings (the token endpoint, the JWKS, the status lists) always win over these.
 */
@RestController
class UnknownOAuthPaths {

    private final OAuthErrorResponseHandler errors;

    UnknownOAuthPaths(JsonMapper json) {
        this.errors = OAuthErrorResponseHandler.uncounted(json);
    }

    @RequestMapping(OAuthErrorPages.OAUTH_PATHS + "/**")
    void notFound(HttpServletResponse response) throws IOException {
        errors.write(response, HttpServletResponse.SC_NOT_FOUND, new OAuth2Error(OAuth2ErrorCodes.INVALID_REQUEST,
                "No such OAuth endpoint; the token endpoint is POST " + TokenEndpointSecurityConfiguration.TOKEN_ENDPOINT
                        + " and the keys are at GET " + JwksEndpoint.PATH, null), null);
    }

    /** Without this, a POST to the JWKS would match {@code /oauth/**} and be told the path does not exist. */
    @RequestMapping(JwksEndpoint.PATH)
    void jwksMethodNotAllowed(HttpServletResponse response) throws IOException {
        response.setHeader(HttpHeaders.ALLOW, "GET, HEAD");
        errors.write(response, HttpServletResponse.SC_METHOD_NOT_ALLOWED, new OAuth2Error(OAuth2ErrorCodes.INVALID_REQUEST,
                "The JWKS is served only to GET", null), null);
    }

    @RequestMapping(path = {StatusListIndex.PATH, StatusListIndex.PATH + "/{listId}"},
            method = {RequestMethod.POST, RequestMethod.PUT, RequestMethod.PATCH, RequestMethod.DELETE})
    void statusListMethodNotAllowed(HttpServletResponse response) throws IOException {
        response.setHeader(HttpHeaders.ALLOW, "GET, HEAD");
        errors.write(response, HttpServletResponse.SC_METHOD_NOT_ALLOWED, new OAuth2Error(OAuth2ErrorCodes.INVALID_REQUEST,
                "Status lists are served only to GET", null), null);
    }
}
