package dev.keymint.server.network;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Network settings ({@code KEYMINT_TRUSTED_PROXIES}).
 *
 * @param trustedProxies CIDRs of proxies whose {@code Forwarded} / {@code X-Forwarded-For} is believed; default none.
 *                       Resource servers using the SDK's API-key path (docs/api-key-path.md) belong here
 */
@ConfigurationProperties("keymint")
public record NetworkProperties(@DefaultValue("") List<String> trustedProxies) {
}
