package dev.keymint.server;

import dev.keymint.server.tokens.IssuerResolver;
import java.nio.file.Path;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.StringUtils;

/**
 * The few top-level settings every deployment names, bound from {@code KEYMINT_ISSUER},
 * {@code KEYMINT_DATA_DIR} and {@code KEYMINT_MASTER_KEY}.
 *
 * @param issuer    the token issuer URL, validated; null when unset, then {@code http://localhost:<port>}
 *                  (see IssuerResolver)
 * @param dataDir   where development state lives: the embedded database and a generated master key
 * @param masterKey base64 of 32 random bytes encrypting the signing keys at rest; when empty a
 *                  development key is generated in {@code dataDir}
 * @param previousMasterKeys master keys being rotated out ({@code KEYMINT_PREVIOUS_MASTER_KEYS},
 *                  comma-separated): stored keys they open are re-encrypted under {@code masterKey}
 */
@ConfigurationProperties("keymint")
public record KeymintProperties(
        String issuer,
        @DefaultValue("./keymint-data") Path dataDir,
        String masterKey,
        List<String> previousMasterKeys) {

    public KeymintProperties {
        // Checked while binding, so that a bad KEYMINT_ISSUER stops startup with Spring Boot's
        // "failed to bind" report naming the property, before any other work.
        issuer = StringUtils.hasText(issuer) ? IssuerResolver.validated(issuer.trim()) : null;
        previousMasterKeys = previousMasterKeys == null ? List.of() : List.copyOf(previousMasterKeys);
    }
}
