package dev.keymint.server.keys;

import java.util.Locale;

/**
 * The lifecycle of an API key. {@code EXPIRED} is never stored: it is derived from the expiry.
 */
public enum KeyStatus {
    ACTIVE, DISABLED, EXPIRED, REVOKED;

    /** The value stored in {@code api_keys.status}. */
    public String databaseValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static KeyStatus fromDatabase(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
