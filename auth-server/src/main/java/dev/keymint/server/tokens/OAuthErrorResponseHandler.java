package dev.keymint.server.tokens;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes token-endpoint errors as RFC 6749 §5.2 JSON: 401 with {@code WWW-Authenticate} for
 * {@code invalid_client}, 429 with {@code Retry-After} for {@code rate_limited} and
 * {@code quota_exceeded}, 503 when the key store is down, 400 otherwise; never cached. Each is
 * counted in {@link TokenMetrics}.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-5.2">RFC 6749 §5.2</a>
 */
final class OAuthErrorResponseHandler implements AuthenticationFailureHandler {

    private final JsonMapper json;
    private final TokenMetrics metrics;
    private final boolean clientAuthentication;

    private OAuthErrorResponseHandler(JsonMapper json, TokenMetrics metrics, boolean clientAuthentication) {
        this.json = json;
        this.metrics = metrics;
        this.clientAuthentication = clientAuthentication;
    }

    /** For failures of client authentication, which the client sees as {@code invalid_client}. */
    static OAuthErrorResponseHandler forClientAuthentication(JsonMapper json, TokenMetrics metrics) {
        return new OAuthErrorResponseHandler(json, metrics, true);
    }

    /** For errors in the token request of an authenticated client. */
    static OAuthErrorResponseHandler forTokenRequests(JsonMapper json, TokenMetrics metrics) {
        return new OAuthErrorResponseHandler(json, metrics, false);
    }

    @Override
    public void onAuthenticationFailure(HttpServletRequest request, HttpServletResponse response,
                                        AuthenticationException exception) throws IOException {
        OAuth2Error error = exception instanceof OAuth2AuthenticationException oauth
                ? oauth.getError()
                : new OAuth2Error(OAuth2ErrorCodes.INVALID_CLIENT, "Client authentication failed", null);
        write(response, clientAuthentication ? clientAuthenticationFailure(request, error) : error,
                exception instanceof LimitExceededException limit ? limit.retryAfter() : null);
    }

    /**
     * A Basic header the authorization server cannot decode is reported as {@code invalid_request};
     * to the client it is a failed authentication, so it gets {@code invalid_client}.
     */
    private static OAuth2Error clientAuthenticationFailure(HttpServletRequest request, OAuth2Error error) {
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (OAuth2ErrorCodes.INVALID_REQUEST.equals(error.getErrorCode()) && authorization != null
                && authorization.regionMatches(true, 0, "Basic", 0, 5)) {
            return new OAuth2Error(OAuth2ErrorCodes.INVALID_CLIENT, "Malformed HTTP Basic client credentials",
                    error.getUri());
        }
        return error;
    }

    /** RFC 6749 allows only %x20-21 / %x23-5B / %x5D-7E in error_description. */
    static String printable(String text) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), 300));
        text.codePoints().limit(300).forEach(c -> out.append(c >= 0x20 && c <= 0x7e && c != '"' && c != '\\' ? (char) c : '\''));
        return out.toString();
    }

    void write(HttpServletResponse response, OAuth2Error error) throws IOException {
        write(response, error, null);
    }

    void write(HttpServletResponse response, OAuth2Error error, Duration retryAfter) throws IOException {
        metrics.refused(error);
        int status = switch (error.getErrorCode()) {
            case OAuth2ErrorCodes.INVALID_CLIENT -> HttpServletResponse.SC_UNAUTHORIZED;
            case LimitExceededException.RATE_LIMITED, LimitExceededException.QUOTA_EXCEEDED -> 429;
            case OAuth2ErrorCodes.TEMPORARILY_UNAVAILABLE -> HttpServletResponse.SC_SERVICE_UNAVAILABLE;
            case OAuth2ErrorCodes.SERVER_ERROR -> HttpServletResponse.SC_INTERNAL_SERVER_ERROR;
            default -> HttpServletResponse.SC_BAD_REQUEST;
        };
        response.setStatus(status);
        if (status == HttpServletResponse.SC_UNAUTHORIZED) {
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"keymint\", charset=\"UTF-8\"");
        }
        if (status == HttpServletResponse.SC_SERVICE_UNAVAILABLE) {
            response.setHeader(HttpHeaders.RETRY_AFTER, "1");
        }
        if (retryAfter != null) {
            response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, retryAfter.toSeconds())));
        }
        response.setHeader(HttpHeaders.CACHE_CONTROL, "no-store");
        response.setHeader(HttpHeaders.PRAGMA, "no-cache");
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        Map<String, String> body = new LinkedHashMap<>();
        body.put("error", error.getErrorCode());
        if (error.getDescription() != null) {
            body.put("error_description", printable(error.getDescription()));
        }
        if (error.getUri() != null) {
            body.put("error_uri", error.getUri());
        }
        json.writeValue(response.getOutputStream(), body);
    }
}
