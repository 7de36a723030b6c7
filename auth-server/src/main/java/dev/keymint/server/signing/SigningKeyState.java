package dev.keymint.server.signing;

import java.util.Locale;

/** Published before signing, signing, published after signing. */
enum SigningKeyState {
    NEXT, CURRENT, RETIRED;

    String databaseValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    static SigningKeyState fromDatabase(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
