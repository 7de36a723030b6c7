package dev.keymint.server.tokens;

import dev.keymint.server.database.DatabaseUnavailableException;
import dev.keymint.server.keys.ApiKey;
import dev.keymint.server.keys.ApiKeyFormat;
import dev.keymint.server.keys.cache.ApiKeyCache;
import dev.keymint.server.keys.KeyStatus;
import dev.keymint.server.limits.KeyLimiter;
import dev.keymint.server.network.CidrRange;
import dev.keymint.server.network.ClientAddressResolver;
import dev.keymint.server.usage.UsageOutcome;
import dev.keymint.server.usage.UsageRecorder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
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
 * reach the database), that it names the presented client_id, the key's row (from memory, else one
 * indexed read; see {@link ApiKeyCache}), a constant-time
 * digest comparison, then the key's status, its allowed CIDRs (401 {@code invalid_client}) and
 * its rate limit (429 {@code rate_limited}). The status is told only to a caller who proved it
 * holds the secret. Each outcome for a known key is counted for usage, in memory.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1">RFC 6749 §2.3.1</a>
 */
final class ApiKeyClientAuthenticationProvider implements AuthenticationProvider {

    private static final Logger log = LoggerFactory.getLogger(ApiKeyClientAuthenticationProvider.class);
    private static final String ERROR_URI = "https://www.rfc-editor.org/rfc/rfc6749#section-5.2";

    private final ApiKeyCache keys;
    private final ClientAddressResolver addresses;
    private final KeyLimiter limiter;
    private final UsageRecorder usage;
    private final Clock clock;

    ApiKeyClientAuthenticationProvider(ApiKeyCache keys, ClientAddressResolver addresses, KeyLimiter limiter,
                                       UsageRecorder usage, Clock clock) {
        this.keys = keys;
        this.addresses = addresses;
        this.limiter = limiter;
        this.usage = usage;
        this.clock = clock;
    }

    /** The token request's client address; the request is bound to the thread by Spring's RequestContextFilter. */
    private String clientAddress() {
        if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes) {
            return addresses.clientAddress(attributes.getRequest());
        }
        return "unknown";
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
        Instant now = clock.instant();
        Optional<ApiKey> found = find(clientId);
        if (found.isEmpty() || !ApiKeyFormat.matches(presentedKey, found.get().secretDigest())) {
            log.debug("Client authentication failed for client_id {}", clientId);
            found.ifPresent(key -> usage.record(key.organizationId(), key.id(), UsageOutcome.WRONG_SECRET, now));
            throw invalidClient("Unknown client or wrong API key");
        }
        ApiKey key = found.get();
        KeyStatus status = key.effectiveStatus(now);
        if (status != KeyStatus.ACTIVE) {
            log.debug("Refused a token to client_id {}: key is {}", clientId, status);
            usage.record(key.organizationId(), key.id(), UsageOutcome.valueOf(status.name()), now);
            throw invalidClient(status.databaseValue(), "The API key is " + status.databaseValue());
        }
        if (!key.allowedCidrs().isEmpty()) {
            String address = clientAddress();
            if (!key.allowsAddress(CidrRange.literal(address))) {
                log.debug("Refused a token to client_id {}: address {} not allowed", clientId, address);
                usage.record(key.organizationId(), key.id(), UsageOutcome.CIDR, now);
                throw invalidClient("cidr", "The API key may not be used from address " + address);
            }
        }
        Optional<Duration> wait = limiter.acquireRequest(key);
        if (wait.isPresent()) {
            usage.record(key.organizationId(), key.id(), UsageOutcome.RATE_LIMITED, now);
            throw new LimitExceededException(LimitExceededException.RATE_LIMITED, "The API key is over its rate limit of "
                    + key.rateLimitPerMinute() + " token requests per minute", wait.get());
        }
        return new OAuth2ClientAuthenticationToken(ApiKeyClients.registeredClient(key), method, null);
    }

    private Optional<ApiKey> find(String clientId) {
        try {
            return keys.findById(clientId);
        } catch (DataAccessException e) {
            if (e.contains(DatabaseUnavailableException.class)) {
                log.debug("Cannot read API key {}: the database is known to be unreachable", clientId); // logged once
            } else {
                log.error("Cannot read API key {}: {}", clientId, e.getMessage());
            }
            throw new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.TEMPORARILY_UNAVAILABLE,
                    "The key store is unavailable; retry shortly", null));
        }
    }

    private static OAuth2AuthenticationException invalidClient(String description) {
        return invalidClient(OAuth2ErrorCodes.INVALID_CLIENT, description);
    }

    /** {@code reason}: why, for {@link TokenMetrics}; the client sees {@code invalid_client} either way. */
    private static OAuth2AuthenticationException invalidClient(String reason, String description) {
        return new OAuth2AuthenticationException(new TokenMetrics.Refusal(OAuth2ErrorCodes.INVALID_CLIENT, reason,
                description, ERROR_URI));
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return OAuth2ClientAuthenticationToken.class.isAssignableFrom(authentication);
    }
}
