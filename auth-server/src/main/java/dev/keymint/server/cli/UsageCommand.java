package dev.keymint.server.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;

/** {@code usage [--key <id>]}: token requests by outcome, in total and per hour. */
@Command(name = "usage", description = {"Token requests per hour by outcome (issued, wrong_secret, disabled, …): "
        + "the organization's, or one key's with --key (scope admin:usage/**).",
        "The range is at most 92 days; by default the last 24 hours."})
final class UsageCommand implements Callable<Integer> {

    @Mixin
    private AdminOptions admin;

    @Option(names = "--key", paramLabel = "<key id>", description = "One key's usage and last use.")
    private String key;

    @Option(names = "--from", paramLabel = "<time>", description = "Start (inclusive), RFC 3339; default: --to minus 24 hours.")
    private String from;

    @Option(names = "--to", paramLabel = "<time>", description = "End (exclusive), RFC 3339; default: the end of this hour.")
    private String to;

    @Override
    public Integer call() {
        Map<String, String> range = new LinkedHashMap<>();
        range.put("from", from);
        range.put("to", to);
        String path = (key == null ? "/usage" : "/usage/keys/" + AdminApi.segment(key)) + AdminApi.query(range);
        AdminApi.Answer usage = admin.connect().get(path);
        admin.print(usage, out -> print(usage.json(), out));
        return ExitCodes.OK;
    }

    private void print(JsonNode usage, PrintWriter out) {
        out.println((key == null ? "Organization " + Values.text(usage.get("organization")) : "Key " + key)
                + ": " + Values.text(usage.get("from")) + " to " + Values.text(usage.get("to")));
        if (key != null) {
            out.println("Last used at: " + Values.text(usage.get("last_used_at")));
        }
        out.println();
        // Only outcomes that happened: nine columns of zeros would hide the ones that matter.
        List<String> outcomes = new ArrayList<>();
        Table totals = new Table("OUTCOME", "TOTAL");
        usage.path("totals").properties().forEach(total -> {
            if (total.getValue().asLong() != 0) {
                outcomes.add(total.getKey());
                totals.row(total.getKey(), total.getValue().asString());
            }
        });
        if (outcomes.isEmpty()) {
            out.println("No token requests in this range.");
            return;
        }
        totals.print(out);
        out.println();
        List<String> header = new ArrayList<>(List.of("HOUR"));
        outcomes.forEach(outcome -> header.add(outcome.toUpperCase(Locale.ROOT)));
        Table hours = new Table(header.toArray(String[]::new));
        for (JsonNode hour : usage.path("hours")) {
            List<String> row = new ArrayList<>(List.of(Values.text(hour.get("hour"))));
            outcomes.forEach(outcome -> row.add(String.valueOf(hour.path("counts").path(outcome).asLong(0))));
            hours.row(row.toArray(String[]::new));
        }
        hours.print(out);
    }
}
