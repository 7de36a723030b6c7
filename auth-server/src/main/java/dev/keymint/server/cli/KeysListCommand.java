package dev.keymint.server.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code keys list}: one table row per key, newest first. */
@Command(name = "list", description = "List keys, newest first.")
final class KeysListCommand implements Callable<Integer> {

    private static final List<String> STATUSES = List.of("active", "disabled", "expired", "revoked", "all");

    @Spec
    private CommandSpec spec;

    @Mixin
    private AdminOptions admin;

    @Mixin
    private Paging paging;

    @Option(names = "--status", paramLabel = "<status>", defaultValue = "active",
            description = "active (default), disabled, expired, revoked or all.")
    private String status;

    @Option(names = "--name", paramLabel = "<text>", description = "Only keys whose name contains this text (any case).")
    private String name;

    @Override
    public Integer call() {
        if (!STATUSES.contains(status)) {
            throw new ParameterException(spec.commandLine(), "--status must be one of " + String.join(", ", STATUSES));
        }
        Map<String, String> filters = new LinkedHashMap<>();
        filters.put("status", status);
        filters.put("name", name);
        AdminApi.Answer page = paging.fetch(admin.connect(), "/keys", filters);
        admin.print(page, out -> {
            Table table = new Table("ID", "NAME", "STATUS", "SCOPES", "TEAM", "EXPIRES AT", "LAST USED AT");
            page.json().path("items").forEach(key -> table.row(Values.text(key.get("id")), Values.text(key.get("name")),
                    Values.text(key.get("status")), Values.text(key.get("scopes")), Values.text(key.get("team")),
                    Values.text(key.get("expires_at")), Values.text(key.get("last_used_at"))));
            if (table.isEmpty()) {
                out.println("No " + ("all".equals(status) ? "" : status + " ") + "keys"
                        + (name == null ? "" : " named like \"" + name + "\"") + ".");
            } else {
                table.print(out);
            }
            Paging.printNext(page.json(), out);
        });
        return ExitCodes.OK;
    }
}
