package dev.keymint.server.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code --limit}, {@code --cursor} and {@code --all} for the admin API's keyset-paged lists. */
final class Paging {

    private final CliContext context;

    @Option(names = "--limit", paramLabel = "<n>", description = "Items per page, 1–200 (the server's default: 50).")
    private Integer limit;

    @Option(names = "--cursor", paramLabel = "<cursor>", description = "Start after this page: the next_cursor of the previous one.")
    private String cursor;

    @Option(names = "--all", description = "Follow every next_cursor and print all items as one list.")
    private boolean all;

    Paging(CliContext context) {
        this.context = context;
    }

    /** One page, or with {@code --all} every page as one {@code {"items": […]}} document. */
    AdminApi.Answer fetch(AdminApi api, String path, Map<String, String> filters) {
        Map<String, String> parameters = new LinkedHashMap<>(filters);
        parameters.put("limit", limit == null ? null : limit.toString());
        parameters.put("cursor", cursor);
        AdminApi.Answer page = api.get(path + AdminApi.query(parameters));
        if (!all) {
            return page;
        }
        ObjectNode merged = context.json().createObjectNode();
        ArrayNode items = merged.putArray("items");
        while (true) {
            page.json().path("items").forEach(items::add);
            JsonNode next = page.json().path("next_cursor");
            if (!next.isString()) {
                break;
            }
            parameters.put("cursor", next.asString());
            page = api.get(path + AdminApi.query(parameters));
        }
        return new AdminApi.Answer(200, context.json().writeValueAsString(merged), merged);
    }

    /** Tells a person how to see the next page, when there is one. */
    static void printNext(JsonNode page, PrintWriter out) {
        if (page.path("next_cursor").isString()) {
            out.println();
            out.println("More: repeat with --cursor " + page.get("next_cursor").asString() + " (or --all for everything)");
        }
    }
}
