package dev.keymint.spring.boot;

import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code keymint.resource.*}: how this application verifies Keymint access tokens. Setting
 * {@code issuer-uri} turns the starter on. (The {@code @param} texts are the IDE descriptions.)
 *
 * @param issuerUri    Keymint issuer, exactly as tokens name it in "iss", e.g. https://auth.example.com.
 *                     Setting it turns the Keymint resource server on.
 * @param jwkSetUri    Where to fetch the issuer's signing keys. By default they are found through the
 *                     issuer's RFC 8414 metadata.
 * @param audience     Audience tokens must name in "aud" (this API's name). Unset: any audience.
 * @param organization Organization slug tokens must name in "org". Unset: any organization.
 * @param statusCheck  Whether revoked and suspended tokens are refused through the issuer's Token Status
 *                     Lists (fetched in the background). Off: they are accepted until they expire.
 * @param apiRateLimit Whether a key's "api_requests_per_minute" is enforced (429 with Retry-After).
 * @param allowPlainHttp Whether the issuer may be a plain http URL on any host (a private network).
 *                     Off: http only for localhost, as keys, status lists and the usage key's API key
 *                     travel over it.
 * @param usage        Reporting the requests this application verified to Keymint, per key.
 * @param apiKeys      Whether callers may also send a Keymint API key (kmk_...) as Bearer token: it is
 *                     exchanged once at the issuer's token endpoint for a token, which is verified as
 *                     usual. Off: only access tokens. Register this application as a trusted proxy of
 *                     Keymint (KEYMINT_TRUSTED_PROXIES) for keys with allowed CIDRs.
 */
@ConfigurationProperties("keymint.resource")
public record KeymintResourceProperties(
        URI issuerUri,
        URI jwkSetUri,
        String audience,
        String organization,
        @DefaultValue("true") boolean statusCheck,
        @DefaultValue("true") boolean apiRateLimit,
        boolean allowPlainHttp,
        @DefaultValue Usage usage,
        boolean apiKeys) {

    /** An empty {@code issuer-uri} turns the starter on too: say what is missing rather than fail later. */
    public KeymintResourceProperties {
        if (issuerUri == null || issuerUri.toString().isBlank()) {
            throw new IllegalArgumentException("keymint.resource.issuer-uri cannot be empty");
        }
    }

    /**
     * {@code keymint.resource.usage.*}: reporting is on when {@code client-id} is set.
     *
     * @param clientId Key id of this application's own Keymint key, for reporting usage. It needs the
     *                 scope admin:usage-reports/** (granted by *:*). Setting it turns reporting on.
     * @param apiKey   API key of that key (sent only to the issuer's token endpoint).
     * @param interval How often counts are sent to Keymint.
     */
    public record Usage(String clientId, String apiKey, @DefaultValue("5s") Duration interval) {
    }
}
