package dev.keymint.server;

import java.nio.file.Path;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The few top-level settings every deployment names, bound from {@code KEYMINT_ISSUER},
 * {@code KEYMINT_DATA_DIR} and {@code KEYMINT_MASTER_KEY}.
 *
 * @param issuer    the token issuer URL; when empty {@code http://localhost:<port>} (see IssuerResolver)
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
        previousMasterKeys = previousMasterKeys == null ? List.of() : List.copyOf(previousMasterKeys);
    }
}
