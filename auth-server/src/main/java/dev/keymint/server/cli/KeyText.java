package dev.keymint.server.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** A key of the admin API as labelled lines, in a fixed order; fields this CLI does not know yet follow by name. */
final class KeyText {

    private static final Map<String, String> LABELS = new LinkedHashMap<>();

    static {
        LABELS.put("id", "Id");
        LABELS.put("name", "Name");
        LABELS.put("status", "Status");
        LABELS.put("scopes", "Scopes");
        LABELS.put("masked_key", "Masked key");
        LABELS.put("team", "Team");
        LABELS.put("owner", "Owner");
        LABELS.put("expires_at", "Expires at");
        LABELS.put("allowed_cidrs", "Allowed CIDRs");
        LABELS.put("rate_limit_per_minute", "Rate limit/min");
        LABELS.put("quota", "Quota");
        LABELS.put("created_at", "Created at");
        LABELS.put("last_used_at", "Last used at");
        LABELS.put("revoked_at", "Revoked at");
    }

    private KeyText() {
    }

    /** {@code <id> "<name>"}: how messages name a key. */
    static String title(JsonNode key) {
        return key.path("id").asString("?") + " \"" + key.path("name").asString("") + "\"";
    }

    static void print(JsonNode key, PrintWriter out) {
        Map<String, String> lines = new LinkedHashMap<>();
        LABELS.forEach((field, label) -> {
            if (key.has(field)) {
                lines.put(label, Values.text(key.get(field)));
            }
        });
        for (String field : key.propertyNames()) {
            // client_id is the id again; api_key is printed apart, with its warning.
            if (!LABELS.containsKey(field) && !field.equals("client_id") && !field.equals("api_key")) {
                lines.put(field, Values.text(key.get(field)));
            }
        }
        int width = lines.keySet().stream().mapToInt(String::length).max().orElse(0) + 2;
        lines.forEach((label, value) -> out.println((label + ":" + " ".repeat(width)).substring(0, width) + value));
    }
}
