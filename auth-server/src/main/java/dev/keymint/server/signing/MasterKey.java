package dev.keymint.server.signing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The AES-256 key that encrypts signing keys at rest, from {@code KEYMINT_MASTER_KEY} (base64 of
 * 32 random bytes) or, in development only, from a file generated in the data directory.
 */
final class MasterKey {

    private static final Logger log = LoggerFactory.getLogger(MasterKey.class);
    private static final int LENGTH = 32;
    static final String DEVELOPMENT_FILE = "master.key";

    private MasterKey() {
    }

    /** The configured key, or the development key of {@code dataDir} (generated on first use). */
    static SecretKey resolve(String configured, Path dataDir) {
        if (configured != null && !configured.isBlank()) {
            return decode(configured.trim(), "KEYMINT_MASTER_KEY");
        }
        Path file = dataDir.toAbsolutePath().normalize().resolve(DEVELOPMENT_FILE);
        log.warn("""

                ************************************************************************
                KEYMINT_MASTER_KEY is not set: using the DEVELOPMENT master key in
                {}
                Anyone who can read that file can decrypt the signing keys. In production
                set KEYMINT_MASTER_KEY to the base64 of 32 random bytes
                (e.g. `openssl rand -base64 32`) and keep it out of the database's reach.
                ************************************************************************""", file);
        return decode(readOrCreate(file), file.toString());
    }

    static List<SecretKey> previous(List<String> configured) {
        return configured.stream().filter(key -> !key.isBlank())
                .map(key -> decode(key.trim(), "KEYMINT_PREVIOUS_MASTER_KEYS")).toList();
    }

    static SecretKey decode(String base64, String source) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("The master key from " + source + " is not valid base64");
        }
        if (bytes.length != LENGTH) {
            throw new IllegalStateException("The master key from " + source + " must be 32 bytes, base64-encoded; it is "
                    + bytes.length + " bytes");
        }
        return new SecretKeySpec(bytes, "AES");
    }

    private static String readOrCreate(Path file) {
        try {
            if (Files.exists(file)) {
                return Files.readString(file, StandardCharsets.US_ASCII).trim();
            }
            Files.createDirectories(file.getParent());
            byte[] key = new byte[LENGTH];
            new SecureRandom().nextBytes(key);
            String encoded = Base64.getEncoder().encodeToString(key);
            Path temporary = Files.createTempFile(file.getParent(), "master", ".tmp");
            Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-------"));
            Files.writeString(temporary, encoded + "\n", StandardCharsets.US_ASCII);
            Files.move(temporary, file);
            return encoded;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read or create the development master key " + file, e);
        }
    }
}
