package dev.keymint.server.tokens;

import dev.keymint.server.keys.ApiKey;
import dev.keymint.server.keys.ApiKeyFormat;
import dev.keymint.server.keys.JdbcApiKeyRepository;
import dev.keymint.server.keys.KeyStatus;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;

/**
 * Authenticates a client by its API key ({@code client_secret_basic} or {@code client_secret_post};
 * client_id = the key's public id, client_secret = the whole key).
 *
 * <p>Order of checks: the key's format and checksum (no I/O, so typos and random strings never
 * reach the database), that it names the presented client_id, one indexed read, a constant-time
 * digest comparison, then the key's status. The status is told only to a caller who proved it
 * holds the secret.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1">RFC 6749 §2.3.1</a>
 */
final class ApiKeyClientAuthenticationProvider implements AuthenticationProvider {

    private static final Logger log = LoggerFactory.getLogger(ApiKeyClientAuthenticationProvider.class);
    private static final String ERROR_URI = "https://www.rfc-editor.org/rfc/rfc6749#section-5.2";

    private final JdbcApiKeyRepository keys;
    private final Clock clock;

    ApiKeyClientAuthenticationProvider(JdbcApiKeyRepository keys, Clock clock) {
        this.keys = keys;
        this.clock = clock;
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        OAuth2ClientAuthenticationToken request = (OAuth2ClientAuthenticationToken) authentication;
        ClientAuthenticationMethod method = request.getClientAuthenticationMethod();
        if (!ClientAuthenticationMethod.CLIENT_SECRET_BASIC.equals(method)
                && !ClientAuthenticationMethod.CLIENT_SECRET_POST.equals(method)) {
            return null;
        }
        String clientId = String.valueOf(request.getPrincipal());
        if (!(request.getCredentials() instanceof String presentedKey)) {
            throw invalidClient("Client authentication requires the API key as client_secret");
        }
        Optional<String> keyId = ApiKeyFormat.publicId(presentedKey);
        if (keyId.isEmpty()) {
            throw invalidClient("The client_secret is not a well-formed Keymint API key");
        }
        if (!keyId.get().equals(clientId)) {
            throw invalidClient("The client_id does not match the API key");
        }
        ApiKey key = find(clientId)
                .filter(found -> ApiKeyFormat.matches(presentedKey, found.secretDigest()))
                .orElseThrow(() -> {
                    log.debug("Client authentication failed for client_id {}", clientId);
                    return invalidClient("Unknown client or wrong API key");
                });
        KeyStatus status = key.effectiveStatus(clock.instant());
        if (status != KeyStatus.ACTIVE) {
            log.debug("Refused a token to client_id {}: key is {}", clientId, status);
            throw invalidClient("The API key is " + status.databaseValue());
        }
        return new OAuth2ClientAuthenticationToken(ApiKeyClients.registeredClient(key), method, null);
    }

    private Optional<ApiKey> find(String clientId) {
        try {
            return keys.findById(clientId);
        } catch (DataAccessException e) {
            log.error("Cannot read API key {}: {}", clientId, e.getMessage());
            throw new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.TEMPORARILY_UNAVAILABLE,
                    "The key store is unavailable; retry shortly", null));
        }
    }

    private static OAuth2AuthenticationException invalidClient(String description) {
        return new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_CLIENT, description, ERROR_URI));
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return OAuth2ClientAuthenticationToken.class.isAssignableFrom(authentication);
    }
}
