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
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code keys update <id>}: changes only what is given; {@code --clear} removes an optional setting. */
@Command(name = "update", description = {"Change a key: only the options given change.",
        "Takes effect for the next token request on every instance. Prints what the change takes from the",
        "key's callers of the last 24 hours (scopes, addresses, limits); --dry-run prints that and changes nothing."})
final class KeysUpdateCommand implements Callable<Integer> {

    /** {@code --clear} names, as the options that set them, and the API fields they null. */
    private static final Map<String, String> CLEARABLE = new LinkedHashMap<>();

    static {
        CLEARABLE.put("expires-at", "expires_at");
        CLEARABLE.put("cidr", "allowed_cidrs");
        CLEARABLE.put("rate-limit", "rate_limit_per_minute");
        CLEARABLE.put("quota", "quota");
        CLEARABLE.put("team", "team");
        CLEARABLE.put("owner", "owner");
    }

    @Spec
    private CommandSpec spec;

    @Mixin
    private AdminOptions admin;

    @Parameters(paramLabel = "<key id>", description = "The key's id.")
    private String id;

    @Option(names = "--name", paramLabel = "<name>", description = "A new name.")
    private String name;

    @Option(names = "--scope", paramLabel = "<action:filter>",
            description = "Replaces all the key's scopes; repeat for several.")
    private List<String> scopes;

    @Mixin
    private KeySettings settings;

    @Option(names = "--clear", paramLabel = "<setting>",
            description = "Remove an optional setting: expires-at, cidr, rate-limit, quota, team or owner; repeatable.")
    private List<String> clear;

    @Option(names = "--dry-run", description = "Only show the key as it would be and the change's warnings; change nothing.")
    private boolean dryRun;

    @Override
    public Integer call() {
        ObjectNode body = admin.context().json().createObjectNode();
        if (name != null) {
            body.put("name", name);
        }
        if (scopes != null) {
            scopes.forEach(body.putArray("scopes")::add);
        }
        settings.putInto(body);
        for (String setting : clear == null ? List.<String>of() : clear) {
            String field = CLEARABLE.get(setting);
            if (field == null) {
                throw new ParameterException(spec.commandLine(),
                        "--clear takes one of " + String.join(", ", CLEARABLE.keySet()) + ", not '" + setting + "'");
            }
            if (body.has(field)) {
                throw new ParameterException(spec.commandLine(), "--" + setting + " is both set and cleared");
            }
            body.putNull(field);
        }
        if (body.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "Nothing to change: give at least one option");
        }
        AdminApi.Answer updated = admin.connect().patch(KeysCommand.path(id) + (dryRun ? "?dry_run=true" : ""), body);
        admin.print(updated, out -> {
            out.println((dryRun ? "Dry run, nothing changed: key " + KeyText.title(updated.json()) + " would be"
                    : "Updated key " + KeyText.title(updated.json())) + ".");
            out.println();
            ObjectNode key = (ObjectNode) updated.json().deepCopy();
            key.remove(List.of("dry_run", "warnings")); // said in words below, not as settings of the key
            KeyText.print(key, out);
            JsonNode warnings = updated.json().path("warnings");
            if (!warnings.isEmpty()) {
                out.println();
                out.println("Warning: callers of the last 24 hours " + (dryRun ? "would lose" : "lose") + " access:");
                warnings.forEach(warning -> out.println("  - " + warning.path("message").asString()));
            }
        });
        return ExitCodes.OK;
    }
}
