package dev.keymint.server.tokens;

import jakarta.servlet.FilterChain;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpStatus;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The error page of a request to an {@code /oauth/} path is OAuth error JSON, not the framework's
 * default body: requests refused before any Keymint code runs (Spring Security's firewall refuses
 * {@code /oauth//token}, {@code /oauth/token;x=y}, encoded dots…) and anything that escapes the
 * endpoints end up on the container's error page, which this filter answers for OAuth paths.
 * The status is kept; the code is {@code server_error} or {@code temporarily_unavailable} for
 * 5xx, {@code invalid_client} for 401 and {@code invalid_request} otherwise.
 */
final class OAuthErrorPages extends OncePerRequestFilter {

    static final String OAUTH_PATHS = "/oauth";

    private final OAuthErrorResponseHandler errors;

    OAuthErrorPages(OAuthErrorResponseHandler errors) {
        this.errors = errors;
    }

    @Override
    protected boolean shouldNotFilterErrorDispatch() {
        return false;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !(request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI) instanceof String uri)
                || !(uri.equals(OAUTH_PATHS) || uri.startsWith(OAUTH_PATHS + "/"));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        int status = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE) instanceof Integer code
                ? code : HttpServletResponse.SC_INTERNAL_SERVER_ERROR;
        String errorCode = switch (status) {
            case HttpServletResponse.SC_UNAUTHORIZED -> OAuth2ErrorCodes.INVALID_CLIENT;
            case HttpServletResponse.SC_SERVICE_UNAVAILABLE -> OAuth2ErrorCodes.TEMPORARILY_UNAVAILABLE;
            default -> status >= 500 ? OAuth2ErrorCodes.SERVER_ERROR : OAuth2ErrorCodes.INVALID_REQUEST;
        };
        HttpStatus known = HttpStatus.resolve(status);
        String description = status >= 500
                ? "The server could not answer this request"
                : "The request was refused (" + (known == null ? "HTTP " + status : known.getReasonPhrase())
                        + "); the token endpoint is POST /oauth/token";
        errors.write(response, status, new OAuth2Error(errorCode, description, null), null);
    }
}
