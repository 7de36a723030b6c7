package dev.keymint.server.tokens;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.Map;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.util.StringUtils;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses a token request whose form is unusable before anything else looks at it, with
 * {@code invalid_request}: a body that is not {@code application/x-www-form-urlencoded} (a JSON or
 * multipart body would otherwise be read as no parameters at all, or parsed by the container),
 * a body the container cannot decode (broken percent-encoding or UTF-8, too many parameters;
 * too large is 413), a parameter given twice (RFC 6749 §3.2) other than {@code resource}, which
 * RFC 8707 §2 lets a client repeat, parameters in the query string
 * (where the authorization server ignores them: a {@code scope} there would silently be dropped
 * and a {@code client_secret} would end up in access logs), and more than one
 * {@code Authorization} header.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-3.2">RFC 6749 §3.2</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-4.4.2">RFC 6749 §4.4.2</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8707#section-2">RFC 8707 §2</a>
 */
final class TokenRequestFormCheck extends OncePerRequestFilter {

    private static final String ERROR_URI = "https://www.rfc-editor.org/rfc/rfc6749#section-4.4.2";

    private final OAuthErrorResponseHandler errors;

    TokenRequestFormCheck(OAuthErrorResponseHandler errors) {
        this.errors = errors;
    }

    /** Other methods are answered 405 without reading anything. */
    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !"POST".equals(request.getMethod());
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String problem = problem(request);
        if (problem != null) {
            errors.write(response, new OAuth2Error(OAuth2ErrorCodes.INVALID_REQUEST, problem, ERROR_URI));
            return;
        }
        Map<String, String[]> parameters;
        try {
            parameters = request.getParameterMap();
        } catch (IllegalStateException e) {
            // Tomcat refuses the whole form (and would answer with its default error page).
            boolean tooLarge = e instanceof InvalidParameterException invalid
                    && invalid.getErrorCode() == HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE;
            errors.write(response, tooLarge ? HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE : HttpServletResponse.SC_BAD_REQUEST,
                    new OAuth2Error(OAuth2ErrorCodes.INVALID_REQUEST, tooLarge
                            ? "The request body is larger than the server accepts"
                            : "The request body is not a valid application/x-www-form-urlencoded form "
                                    + "(broken percent-encoding or UTF-8, or too many parameters)", ERROR_URI), null);
            return;
        }
        for (Map.Entry<String, String[]> parameter : parameters.entrySet()) {
            if (parameter.getValue().length > 1 && !TokenAudience.RESOURCE.equals(parameter.getKey())) {
                errors.write(response, new OAuth2Error(OAuth2ErrorCodes.INVALID_REQUEST,
                        "The parameter '" + parameter.getKey() + "' is repeated", ERROR_URI));
                return;
            }
        }
        chain.doFilter(request, response);
    }

    private static String problem(HttpServletRequest request) {
        if (StringUtils.hasLength(request.getQueryString())) {
            return "The token endpoint takes no query parameters: send them in the "
                    + "application/x-www-form-urlencoded request body";
        }
        if (Collections.list(request.getHeaders(HttpHeaders.AUTHORIZATION)).size() > 1) {
            return "The request has more than one Authorization header";
        }
        if (!isForm(request.getContentType())) {
            return "The request body must be application/x-www-form-urlencoded";
        }
        return null;
    }

    private static boolean isForm(String contentType) {
        if (contentType == null) {
            return false;
        }
        try {
            return MediaType.APPLICATION_FORM_URLENCODED.equalsTypeAndSubtype(MediaType.parseMediaType(contentType));
        } catch (InvalidMediaTypeException e) {
            return false;
        }
    }
}
