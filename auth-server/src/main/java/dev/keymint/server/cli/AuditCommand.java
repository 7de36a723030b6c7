package dev.keymint.server.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code audit}: who changed which key, newest first. */
@Command(name = "audit", description = {"The audit trail of key changes, newest first (scope admin:audit/**).",
        "--json includes each change's key before and after."})
final class AuditCommand implements Callable<Integer> {

    @Mixin
    private AdminOptions admin;

    @Mixin
    private Paging paging;

    @Override
    public Integer call() {
        AdminApi.Answer page = paging.fetch(admin.connect(), "/audit", Map.of());
        admin.print(page, out -> {
            Table table = new Table("ID", "AT", "ACTION", "TARGET", "ACTOR", "ADDRESS");
            page.json().path("items").forEach(event -> table.row(Values.text(event.get("id")), Values.text(event.get("at")),
                    Values.text(event.get("action")), Values.text(event.get("target")),
                    Values.text(event.get("actor_key_id")), Values.text(event.get("client_address"))));
            if (table.isEmpty()) {
                out.println("No changes recorded yet.");
            } else {
                table.print(out);
            }
            Paging.printNext(page.json(), out);
        });
        return ExitCodes.OK;
    }
}
