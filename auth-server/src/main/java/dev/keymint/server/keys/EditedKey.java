package dev.keymint.server.keys;

import java.util.List;

/** The key after an edit (or as it would be, for a dry run) and what the edit takes from its recent callers. */
public record EditedKey(ApiKey key, List<KeyWarning> warnings) {

    public EditedKey {
        warnings = List.copyOf(warnings);
    }
}
