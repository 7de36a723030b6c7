package dev.keymint.server;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The few top-level settings every deployment names, bound from {@code KEYMINT_ISSUER},
 * {@code KEYMINT_DATA_DIR} and {@code KEYMINT_MASTER_KEY}.
 *
 * @param issuer    the token issuer URL; when empty it is derived from each request
 * @param dataDir   where development state lives: the embedded database and a generated master key
 * @param masterKey base64 of 32 random bytes encrypting the signing keys at rest; when empty a
 *                  development key is generated in {@code dataDir}
 */
@ConfigurationProperties("keymint")
public record KeymintProperties(
        String issuer,
        @DefaultValue("./keymint-data") Path dataDir,
        String masterKey) {
}
