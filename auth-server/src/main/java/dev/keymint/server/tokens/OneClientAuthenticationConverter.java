package dev.keymint.server.tokens;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.web.authentication.ClientSecretBasicAuthenticationConverter;
import org.springframework.security.oauth2.server.authorization.web.authentication.ClientSecretPostAuthenticationConverter;
import org.springframework.security.web.authentication.AuthenticationConverter;

/**
 * Reads the client's credentials from exactly one of {@code client_secret_basic} and
 * {@code client_secret_post}, with the authorization server's own converters doing the decoding.
 *
 * <p>A request that uses both (HTTP Basic and a {@code client_secret} in the form) is
 * {@code invalid_request}: RFC 6749 §2.3 forbids more than one method, and which credentials
 * would win is a guess the client should not rely on. A {@code client_id} in the form next to
 * Basic is allowed, as §3.2.1 lets clients name themselves that way (some libraries always do),
 * but it must name the same client. An HTTP Basic header that cannot be decoded (not base64, no
 * colon, broken percent-encoding of the §2.3.1 form-urlencoding, a client id outside the printable
 * ASCII the authorization server accepts) is a failed authentication: 401 {@code invalid_client}.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-2.3">RFC 6749 §2.3</a>
 */
final class OneClientAuthenticationConverter implements AuthenticationConverter {

    private static final String ERROR_URI = "https://www.rfc-editor.org/rfc/rfc6749#section-2.3";

    private final ClientSecretBasicAuthenticationConverter basic = new ClientSecretBasicAuthenticationConverter();
    private final ClientSecretPostAuthenticationConverter post = new ClientSecretPostAuthenticationConverter();

    @Override
    public Authentication convert(HttpServletRequest request) {
        Authentication fromHeader = basicCredentials(request);
        if (fromHeader == null) {
            Authentication fromForm = post.convert(request);
            if (fromForm != null && !printable(String.valueOf(fromForm.getPrincipal()))) {
                throw new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_REQUEST,
                        "The client_id may contain only printable ASCII characters", ERROR_URI));
            }
            return fromForm;
        }
        if (request.getParameter(OAuth2ParameterNames.CLIENT_SECRET) != null) {
            throw new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_REQUEST,
                    "The request uses two client authentication methods (HTTP Basic and client_secret in the form); "
                            + "use one", ERROR_URI));
        }
        String formClientId = request.getParameter(OAuth2ParameterNames.CLIENT_ID);
        if (formClientId != null && !formClientId.equals(fromHeader.getPrincipal())) {
            throw new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_REQUEST,
                    "The client_id in the form does not match the HTTP Basic client id", ERROR_URI));
        }
        return fromHeader;
    }

    private Authentication basicCredentials(HttpServletRequest request) {
        OAuth2ClientAuthenticationToken credentials;
        try {
            credentials = (OAuth2ClientAuthenticationToken) basic.convert(request);
        } catch (OAuth2AuthenticationException e) {
            throw malformedBasic();
        }
        if (credentials != null && !printable(String.valueOf(credentials.getPrincipal()))) {
            throw malformedBasic();
        }
        return credentials;
    }

    private static OAuth2AuthenticationException malformedBasic() {
        return new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_CLIENT,
                "Malformed HTTP Basic client credentials: expected base64 of the form-urlencoded client id, "
                        + "a colon and the form-urlencoded API key", ERROR_URI));
    }

    /** The client_id syntax the authorization server enforces after conversion (VSCHAR, %x20-7E). */
    private static boolean printable(String clientId) {
        return clientId.chars().allMatch(c -> c >= 0x20 && c <= 0x7e);
    }
}
