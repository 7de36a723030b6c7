package dev.keymint.server.cli;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** How admin API values read in a terminal: absent as "-", lists space-separated, a quota as limit/period. */
final class Values {

    static final String NONE = "-";

    private Values() {
    }

    static String text(JsonNode value) {
        if (value == null || value.isMissingNode() || value.isNull()) {
            return NONE;
        }
        if (value.isArray()) {
            List<String> items = new ArrayList<>();
            value.forEach(item -> items.add(text(item)));
            return items.isEmpty() ? NONE : String.join(" ", items);
        }
        if (value.isObject() && value.has("limit") && value.has("period") && value.size() == 2) {
            return value.get("limit").asString() + "/" + value.get("period").asString();
        }
        return value.isObject() ? value.toString() : value.asString();
    }
}
