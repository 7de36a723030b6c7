package dev.keymint.server.tokens;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URL;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2TokenIntrospectionAuthenticationToken;
import org.springframework.security.web.authentication.AuthenticationSuccessHandler;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes the introspection response: times as NumericDate (seconds), {@code scope} space-separated,
 * {@code aud} as an array; never cached.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7662#section-2.2">RFC 7662 §2.2</a>
 */
final class IntrospectionResponseWriter implements AuthenticationSuccessHandler {

    private final JsonMapper json;

    IntrospectionResponseWriter(JsonMapper json) {
        this.json = json;
    }

    private static Object wire(String name, Object value) {
        if (value instanceof Instant instant) {
            return instant.getEpochSecond();
        }
        if (value instanceof Collection<?> values && "scope".equals(name)) {
            return String.join(" ", values.stream().map(String::valueOf).toList());
        }
        return value instanceof URL url ? url.toString() : value;
    }

    @Override
    public void onAuthenticationSuccess(HttpServletRequest request, HttpServletResponse response,
                                        Authentication authentication) throws IOException {
        Map<String, Object> claims = ((OAuth2TokenIntrospectionAuthenticationToken) authentication).getTokenClaims().getClaims();
        Map<String, Object> body = new LinkedHashMap<>();
        claims.forEach((name, value) -> body.put(name, wire(name, value)));
        response.setStatus(HttpServletResponse.SC_OK);
        response.setHeader(HttpHeaders.CACHE_CONTROL, "no-store");
        response.setHeader(HttpHeaders.PRAGMA, "no-cache");
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        json.writeValue(response.getOutputStream(), body);
    }
}
