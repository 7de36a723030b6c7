package dev.keymint.server.signing;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The secret that encrypts the signing keys at rest ({@code KEYMINT_MASTER_KEY},
 * {@code KEYMINT_PREVIOUS_MASTER_KEYS}); see {@link MasterKey}.
 *
 * @param masterKey          base64 of 32 random bytes (openssl rand -base64 32) encrypting the signing keys at
 *                           rest (AES-256-GCM). Unset: a development key is generated in the data directory,
 *                           with a warning
 * @param previousMasterKeys master keys being rotated out, comma-separated: stored signing keys they open are
 *                           re-encrypted under the master key at startup
 */
@ConfigurationProperties("keymint")
public record MasterKeyProperties(String masterKey, List<String> previousMasterKeys) {

    public MasterKeyProperties {
        previousMasterKeys = previousMasterKeys == null ? List.of() : List.copyOf(previousMasterKeys);
    }
}
