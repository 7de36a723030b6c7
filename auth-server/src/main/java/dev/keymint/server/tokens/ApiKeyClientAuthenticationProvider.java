package dev.keymint.server.tokens;

import dev.keymint.server.database.DatabaseUnavailableException;
import dev.keymint.server.keys.ApiKey;
import dev.keymint.server.keys.ApiKey.SecretMatch;
import dev.keymint.server.keys.ApiKeyFormat;
import dev.keymint.server.keys.ImportedKeyFormat;
import dev.keymint.server.keys.cache.ApiKeyCache;
import dev.keymint.server.keys.KeyStatus;
import dev.keymint.server.limits.KeyLimiter;
import dev.keymint.server.network.CidrRange;
import dev.keymint.server.network.ClientAddressResolver;
import dev.keymint.server.usage.UsageOutcome;
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
 * reach the database), that it names the presented client_id (a secret without Keymint's format
 * goes on only with a client id an imported key may have, {@link ImportedKeyFormat}, and only an
 * imported key's row accepts it), the key's row (from memory, else one
 * indexed read; see {@link ApiKeyCache}), a constant-time
 * digest comparison (against the current secret and, within its grace period, the one a reroll
 * replaced; after it, that one is refused as replaced), then the key's status, its allowed CIDRs (401 {@code invalid_client}) and
 * its rate limit (429 {@code rate_limited}). The status is told only to a caller who proved it
 * holds the secret. Each refusal of a known key names the key, so that {@link TokenOutcomes} books it
 * in the key's usage.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1">RFC 6749 §2.3.1</a>
 */
final class ApiKeyClientAuthenticationProvider implements AuthenticationProvider {

    private static final Logger log = LoggerFactory.getLogger(ApiKeyClientAuthenticationProvider.class);
    /** The refusal reason of a secret that a reroll replaced and whose grace period has ended. */
    static final String SECRET_REPLACED = "secret_replaced";
    private static final String ERROR_URI = "https://www.rfc-editor.org/rfc/rfc6749#section-5.2";

    private final ApiKeyCache keys;
    private final ClientAddressResolver addresses;
    private final KeyLimiter limiter;
    private final Clock clock;

    ApiKeyClientAuthenticationProvider(ApiKeyCache keys, ClientAddressResolver addresses, KeyLimiter limiter,
                                       Clock clock) {
        this.keys = keys;
        this.addresses = addresses;
        this.limiter = limiter;
        this.clock = clock;
    }

    /**
     * The token request's original caller, for allowed CIDRs, or null when unknown (a relay that is not a
     * trusted proxy); the request is bound to the thread by Spring's RequestContextFilter.
     */
    private byte[] callerAddress() {
        if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes) {
            return addresses.allowListAddress(attributes.getRequest());
        }
        return null;
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
        if (keyId.isEmpty() && !ImportedKeyFormat.mayBeSecret(clientId, presentedKey)) {
            throw invalidClient("The client_secret is not a well-formed Keymint API key");
        }
        if (keyId.isPresent() && !keyId.get().equals(clientId)) {
            throw invalidClient("The client_id does not match the API key");
        }
        Instant now = clock.instant();
        Optional<ApiKey> found = find(clientId);
        // A secret without Keymint's format is accepted only for a key imported with it.
        SecretMatch match = found.filter(key -> (key.imported() == null) == keyId.isPresent())
                .map(key -> key.match(presentedKey, now)).orElse(SecretMatch.NONE);
        if (match == SecretMatch.REPLACED) {
            log.debug("Refused a token to client_id {}: secret replaced by a reroll", clientId);
            throw refused(found.get(), UsageOutcome.WRONG_SECRET, SECRET_REPLACED,
                    "The API key's secret was replaced; use the new API key");
        }
        if (!match.accepted()) {
            log.debug("Client authentication failed for client_id {}", clientId);
            throw refused(found.orElse(null), UsageOutcome.WRONG_SECRET, OAuth2ErrorCodes.INVALID_CLIENT,
                    "Unknown client or wrong API key");
        }
        ApiKey key = found.get();
        KeyStatus status = key.effectiveStatus(now);
        if (status != KeyStatus.ACTIVE) {
            log.debug("Refused a token to client_id {}: key is {}", clientId, status);
            throw refused(key, UsageOutcome.valueOf(status.name()), status.databaseValue(),
                    "The API key is " + status.databaseValue());
        }
        if (!key.allowedCidrs().isEmpty()) {
            byte[] address = callerAddress();
            if (address == null) {
                log.debug("Refused a token to client_id {}: caller's address unknown (relayed by an untrusted proxy)", clientId);
                throw refused(key, UsageOutcome.CIDR, "cidr", "The API key has allowed CIDRs and the caller's address is"
                        + " unknown: the request was relayed by a proxy that is not trusted");
            }
            if (!key.allowsAddress(address)) {
                log.debug("Refused a token to client_id {}: address {} not allowed", clientId, CidrRange.format(address));
                throw refused(key, UsageOutcome.CIDR, "cidr", "The API key may not be used from address "
                        + CidrRange.format(address));
            }
        }
        Optional<Duration> wait = limiter.acquireRequest(key);
        if (wait.isPresent()) {
            throw LimitExceededException.rateLimited(key, "The API key is over its rate limit of "
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
        return new OAuth2AuthenticationException(new TokenOutcomes.Refusal(OAuth2ErrorCodes.INVALID_CLIENT,
                OAuth2ErrorCodes.INVALID_CLIENT, description, ERROR_URI));
    }

    /**
     * {@code invalid_client} for a request of this key (null: no such key), booked in its usage as
     * {@code outcome}; {@code reason}: why, for {@link TokenOutcomes}. The client sees
     * {@code invalid_client} either way.
     */
    private static OAuth2AuthenticationException refused(ApiKey key, UsageOutcome outcome, String reason,
                                                         String description) {
        return new OAuth2AuthenticationException(new TokenOutcomes.Refusal(OAuth2ErrorCodes.INVALID_CLIENT, reason,
                description, ERROR_URI, key, key == null ? null : outcome));
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return OAuth2ClientAuthenticationToken.class.isAssignableFrom(authentication);
    }
}
