package dev.keymint.server.tokens;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
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
 * {@code invalid_client}, 403 for {@code insufficient_scope} (introspection without its scope), 429
 * with {@code Retry-After} for {@code rate_limited} and {@code quota_exceeded}, 503 when the key store
 * is down, 400 otherwise; never cached. The token endpoint's handler books each refusal in
 * {@link TokenOutcomes}.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-5.2">RFC 6749 §5.2</a>
 */
final class OAuthErrorResponseHandler implements AuthenticationFailureHandler {

    private final JsonMapper json;
    private final Consumer<OAuth2Error> refusals;

    private OAuthErrorResponseHandler(JsonMapper json, Consumer<OAuth2Error> refusals) {
        this.json = json;
        this.refusals = refusals;
    }

    /** For every error of the token endpoint, from client authentication to the grant: each is counted. */
    static OAuthErrorResponseHandler forTokenRequests(JsonMapper json, TokenOutcomes outcomes) {
        return new OAuthErrorResponseHandler(json, outcomes::refused);
    }

    /** For OAuth errors that are not token refusals (introspection, unknown /oauth paths): not counted. */
    static OAuthErrorResponseHandler uncounted(JsonMapper json) {
        return new OAuthErrorResponseHandler(json, error -> { });
    }

    @Override
    public void onAuthenticationFailure(HttpServletRequest request, HttpServletResponse response,
                                        AuthenticationException exception) throws IOException {
        OAuth2Error error = exception instanceof OAuth2AuthenticationException oauth
                ? oauth.getError()
                : new OAuth2Error(OAuth2ErrorCodes.INVALID_CLIENT, "Client authentication failed", null);
        write(response, error, exception instanceof LimitExceededException limit ? limit.retryAfter() : null);
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
        refusals.accept(error);
        int status = switch (error.getErrorCode()) {
            case OAuth2ErrorCodes.INVALID_CLIENT -> HttpServletResponse.SC_UNAUTHORIZED;
            case OAuth2ErrorCodes.INSUFFICIENT_SCOPE -> HttpServletResponse.SC_FORBIDDEN;
            case LimitExceededException.RATE_LIMITED, LimitExceededException.QUOTA_EXCEEDED -> 429;
            case OAuth2ErrorCodes.TEMPORARILY_UNAVAILABLE -> HttpServletResponse.SC_SERVICE_UNAVAILABLE;
            case OAuth2ErrorCodes.SERVER_ERROR -> HttpServletResponse.SC_INTERNAL_SERVER_ERROR;
            default -> HttpServletResponse.SC_BAD_REQUEST;
        };
        write(response, status, error, retryAfter);
    }

    /** With a status of the caller's choosing, for errors that are not about the grant (404, 413…). */
    void write(HttpServletResponse response, int status, OAuth2Error error, Duration retryAfter) throws IOException {
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
