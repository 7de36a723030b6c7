package dev.keymint.server.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/** {@code keys import FILE}: keys callers already hold, by the SHA-256 of each secret (docs/admin-api.md). */
@Command(name = "import", description = {
        "Import keys your callers already hold from an NDJSON file, one key per line: client_id, key_sha256 "
                + "(SHA-256 of the key's UTF-8 bytes, 64 hex characters), optional prefix, and the members of a "
                + "new key (scopes, limits, …). Keymint never sees the secrets; each key then gets tokens with its "
                + "own client id and secret. Up to 100,000 keys per file.",
        "Exits 0 when every row was imported, 1 when some row was refused (the errors of the first 1000 are listed)."})
final class KeysImportCommand implements Callable<Integer> {

    @Mixin
    private AdminOptions admin;

    @Parameters(paramLabel = "<file>", description = "The NDJSON file.")
    private Path file;

    @Option(names = "--atomic", description = "Import nothing if any row is refused.")
    private boolean atomic;

    @Override
    public Integer call() {
        AdminApi.Answer report = admin.connect().postLines("/keys/import" + (atomic ? "?atomic=true" : ""), file)
                .requireSuccess();
        JsonNode answer = report.json();
        int refused = answer.path("refused").asInt();
        admin.print(report, out -> {
            out.println("Imported " + answer.path("imported").asInt() + " key(s); " + refused + " row(s) refused.");
            answer.path("row_errors").forEach(error -> out.println("  " + AdminApi.Answer.rowError(error)));
        });
        return refused == 0 ? ExitCodes.OK : ExitCodes.FAILED;
    }
}
