package dev.keymint.server.database;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where a deployment without configured infrastructure keeps its state ({@code KEYMINT_DATA_DIR}).
 *
 * @param dataDir where development state lives: the embedded PostgreSQL (when no datasource is configured)
 *                and a generated development master key; kept across restarts
 */
@ConfigurationProperties("keymint")
public record DataDirectoryProperties(@DefaultValue("./keymint-data") Path dataDir) {
}
