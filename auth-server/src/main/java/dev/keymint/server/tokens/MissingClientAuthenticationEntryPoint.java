package dev.keymint.server.tokens;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.web.AuthenticationEntryPoint;

/**
 * A token request that presents no client credentials at all gets the same {@code invalid_client}
 * JSON as one that presents wrong credentials, instead of an empty 401.
 */
final class MissingClientAuthenticationEntryPoint implements AuthenticationEntryPoint {

    private final OAuthErrorResponseHandler errors;

    MissingClientAuthenticationEntryPoint(OAuthErrorResponseHandler errors) {
        this.errors = errors;
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException exception)
            throws IOException {
        errors.write(response, new OAuth2Error(OAuth2ErrorCodes.INVALID_CLIENT,
                "Client authentication is required: HTTP Basic (client_secret_basic) or client_id and "
                        + "client_secret in the form (client_secret_post)", null));
    }
}
