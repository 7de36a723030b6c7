package dev.keymint.server.tokens;

import dev.keymint.server.network.ClientAddressResolver;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AccessTokenAuthenticationToken;
import org.springframework.security.web.authentication.AuthenticationSuccessHandler;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes the successful token response. {@code expires_in} is exactly {@code exp - iat} of the
 * token (the stock handler recomputes it from the clock and reports one second less).
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-5.1">RFC 6749 §5.1</a>
 */
final class TokenResponseWriter implements AuthenticationSuccessHandler {

    private final JsonMapper json;
    private final TokenOutcomes outcomes;
    private final ClientAddressResolver addresses;

    TokenResponseWriter(JsonMapper json, TokenOutcomes outcomes, ClientAddressResolver addresses) {
        this.json = json;
        this.outcomes = outcomes;
        this.addresses = addresses;
    }

    @Override
    public void onAuthenticationSuccess(HttpServletRequest request, HttpServletResponse response,
                                        Authentication authentication) throws IOException {
        OAuth2AccessTokenAuthenticationToken issued = (OAuth2AccessTokenAuthenticationToken) authentication;
        OAuth2AccessToken token = issued.getAccessToken();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", token.getTokenValue());
        body.put("token_type", token.getTokenType().getValue());
        body.put("expires_in", Duration.between(token.getIssuedAt(), token.getExpiresAt()).toSeconds());
        body.put("scope", String.join(" ", token.getScopes()));
        response.setStatus(HttpServletResponse.SC_OK);
        response.setHeader(HttpHeaders.CACHE_CONTROL, "no-store");
        response.setHeader(HttpHeaders.PRAGMA, "no-cache");
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        // Booked before the body is written, as refusals are: whoever has read the answer finds it counted.
        outcomes.issued(ApiKeyClients.apiKey(issued.getRegisteredClient()), token, addresses.clientAddress(request));
        json.writeValue(response.getOutputStream(), body);
    }
}
