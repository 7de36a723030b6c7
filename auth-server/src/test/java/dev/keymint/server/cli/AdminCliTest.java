package dev.keymint.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keymint.server.keys.ApiKeyFormat;
import dev.keymint.server.organizations.OrganizationBootstrapper.BootstrappedOrganization;
import dev.keymint.server.testsupport.AdminClient;
import dev.keymint.server.testsupport.KeymintServer;
import dev.keymint.server.testsupport.TokenClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.HelpCommand;
import tools.jackson.databind.JsonNode;

/**
 * The admin CLI against a real server over real HTTP, run as {@code main} runs it: what a person
 * reads, what a script parses, and the exit code that says what happened.
 */
class AdminCliTest {

    private static KeymintServer server;
    private static BootstrappedOrganization owner;
    private static AdminClient api;
    private static TokenClient tokens;

    @BeforeAll
    static void start() {
        server = KeymintServer.onFreshDatabase().start();
        owner = server.bootstrap("acme", "*:*");
        api = AdminClient.of(server, owner);
        tokens = new TokenClient(server.tokenEndpoint());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void keyCreatedUnderAnAgentHoldsTheAgentsCapabilitiesAndScopeWithAgentIsAUsageError() {
        String agent = api.post("/agents", "{\"name\": \"cli agent\", \"capabilities\": [\"read:cli/**\"], \"team\": \"ops\"}")
                .field("id");

        CliRun created = cli("keys", "create", "--name", "cli key", "--agent", agent, "--owner", "ops@acme.test");
        CliRun both = cli("keys", "create", "--name", "x", "--agent", agent, "--scope", "read:y");

        assertThat(created.exitCode()).as(created.toString()).isZero();
        assertThat(created.value("Scopes:")).isEqualTo("read:cli/**");
        assertThat(token(created.value("Id:"), created.value("API key:"))).isEqualTo(200);
        assertThat(api.get("/agents/" + agent + "/keys").body()).contains(created.value("Id:")).contains("\"team\":\"ops\"");
        assertThat(both.exitCode()).as(both.toString()).isEqualTo(2);
        assertThat(both.err()).contains("mutually exclusive");
    }

    @Test
    void keyLifecycleReadsAsTextAndEveryStepHappensOnTheServer() {
        CliRun created = cli("keys", "create", "--name", "billing reader", "--scope", "read:invoices/**",
                "--rate-limit", "120", "--quota", "10000/day", "--team", "billing", "--cidr", "127.0.0.1/32");
        assertThat(created.exitCode()).as(created.toString()).isZero();
        String id = created.value("Id:");
        String apiKey = created.value("API key:");
        assertThat(created.out()).contains("Created key " + id + " \"billing reader\".")
                .contains("This is the only time the API key is shown. Store it now.");
        assertThat(created.value("Quota:")).isEqualTo("10000/day");
        assertThat(created.value("Allowed CIDRs:")).isEqualTo("127.0.0.1/32");
        assertThat(token(id, apiKey)).as("the printed key works").isEqualTo(200);

        CliRun listed = cli("keys", "list");
        assertThat(listed.exitCode()).as(listed.toString()).isZero();
        String header = listed.lines().get(0);
        String row = listed.lines().stream().filter(line -> line.startsWith(id)).findFirst().orElseThrow();
        assertThat(header).startsWith("ID").contains("NAME", "STATUS", "SCOPES", "LAST USED AT");
        assertThat(row.indexOf("billing reader")).as("aligned under NAME").isEqualTo(header.indexOf("NAME"));
        assertThat(row.indexOf("read:invoices/**")).as("aligned under SCOPES").isEqualTo(header.indexOf("SCOPES"));

        CliRun shown = cli("keys", "show", id);
        assertThat(shown.exitCode()).as(shown.toString()).isZero();
        assertThat(shown.value("Name:")).isEqualTo("billing reader");
        assertThat(shown.value("Rate limit/min:")).isEqualTo("120");
        assertThat(shown.value("Masked key:")).startsWith("kmk_" + id + "_").doesNotContain(apiKey.substring(25));
        assertThat(shown.out()).doesNotContain(apiKey);

        CliRun updated = cli("keys", "update", id, "--name", "billing reader (eu)", "--clear", "cidr", "--owner", "ann@example.com");
        assertThat(updated.exitCode()).as(updated.toString()).isZero();
        assertThat(updated.out()).startsWith("Updated key " + id + " \"billing reader (eu)\".");
        JsonNode stored = api.get("/keys/" + id).json();
        assertThat(stored.get("name").asString()).isEqualTo("billing reader (eu)");
        assertThat(stored.get("owner").asString()).isEqualTo("ann@example.com");
        assertThat(stored.get("allowed_cidrs")).as("cleared: anywhere").isEmpty();
        assertThat(updated.value("Allowed CIDRs:")).isEqualTo("-");
        assertThat(stored.get("rate_limit_per_minute").asInt()).as("untouched").isEqualTo(120);

        CliRun dryRun = cli("keys", "update", id, "--scope", "read:invoices/eu/**", "--dry-run");
        assertThat(dryRun.exitCode()).as(dryRun.toString()).isZero();
        assertThat(dryRun.out()).startsWith("Dry run, nothing changed: key " + id + " \"billing reader (eu)\" would be.")
                .contains("Warning: callers of the last 24 hours would lose access:",
                        "  - scope read:invoices/** was carried by 1 token in the last 24 h; the new scopes do not cover it");
        assertThat(dryRun.value("Scopes:")).isEqualTo("read:invoices/eu/**");
        assertThat(api.get("/keys/" + id).json().get("scopes").toString()).isEqualTo("[\"read:invoices/**\"]");

        CliRun disabled = cli("keys", "disable", id);
        assertThat(disabled.out()).isEqualTo("Key " + id + " \"billing reader (eu)\" is now disabled." + System.lineSeparator());
        assertThat(token(id, apiKey)).isEqualTo(401);
        assertThat(cli("keys", "enable", id).out()).contains("is now active");
        assertThat(token(id, apiKey)).isEqualTo(200);

        CliRun revoked = cli("keys", "revoke", id, "--yes");
        assertThat(revoked.exitCode()).as(revoked.toString()).isZero();
        assertThat(revoked.out()).contains("is now revoked");
        assertThat(token(id, apiKey)).isEqualTo(401);
        assertThat(cli("keys", "list").out()).doesNotContain(id);
        assertThat(cli("keys", "list", "--status", "revoked").out()).contains(id);

        CliRun deleted = cli("keys", "delete", id, "--yes", "--force");
        assertThat(deleted.exitCode()).as(deleted.toString()).isZero();
        assertThat(deleted.out()).isEqualTo("Deleted key " + id + "." + System.lineSeparator());
        assertThat(api.get("/keys/" + id).status()).isEqualTo(404);
    }

    @Test
    void jsonIsTheApisOwnAndParses() {
        CliRun created = cli("keys", "create", "--json", "--name", "json worker", "--scope", "read:x", "--expires-at", "2030-01-01T00:00:00Z");
        assertThat(created.exitCode()).as(created.toString()).isZero();
        JsonNode key = created.json();
        String id = key.get("id").asString();
        assertThat(key.get("api_key").asString()).startsWith("kmk_" + id + "_");
        assertThat(key.get("expires_at").asString()).isEqualTo("2030-01-01T00:00:00Z");

        assertThat(cli("keys", "show", id, "--json").json()).isEqualTo(api.get("/keys/" + id).json());
        assertThat(cli("keys", "update", id, "--scope", "read:y", "--json").json().get("scopes").toString()).isEqualTo("[\"read:y\"]");
        assertThat(cli("keys", "disable", id, "--json").json().get("status").asString()).isEqualTo("disabled");
        assertThat(cli("keys", "enable", id, "--json").json().get("status").asString()).isEqualTo("active");

        JsonNode page = cli("keys", "list", "--json", "--name", "json worker").json();
        assertThat(page.get("items")).hasSize(1);
        assertThat(page.get("items").get(0).get("id").asString()).isEqualTo(id);

        JsonNode audit = cli("audit", "--json", "--limit", "200").json();
        assertThat(audit.get("items").findValuesAsString("target")).contains(id);
        assertThat(cli("usage", "--json").json().has("totals")).isTrue();

        CliRun deleted = cli("keys", "delete", id, "--yes", "--json");
        assertThat(deleted.exitCode()).as(deleted.toString()).isZero();
        assertThat(deleted.out()).as("204 has no JSON to pass on").isEmpty();
    }

    @Test
    void allFollowsEveryCursorAndOnePageSaysHowToGoOn() {
        for (int i = 0; i < 3; i++) {
            assertThat(cli("keys", "create", "--name", "paged " + i, "--scope", "read:paged").exitCode()).isZero();
        }
        CliRun onePage = cli("keys", "list", "--name", "paged", "--limit", "2");
        assertThat(onePage.lines().stream().filter(line -> line.contains("paged "))).hasSize(2);
        assertThat(onePage.out()).contains("More: repeat with --cursor ");
        String cursor = onePage.value("More: repeat with --cursor").split(" ")[0];
        CliRun next = cli("keys", "list", "--name", "paged", "--limit", "2", "--cursor", cursor);
        assertThat(next.out()).contains("paged 0").doesNotContain("More:");

        JsonNode all = cli("keys", "list", "--name", "paged", "--limit", "1", "--all", "--json").json();
        assertThat(all.get("items").findValuesAsString("name")).containsExactly("paged 2", "paged 1", "paged 0");
        assertThat(all.has("next_cursor")).isFalse();
    }

    @Test
    void usageAndAuditReadAsTables() {
        JsonNode key = cli("keys", "create", "--json", "--name", "counted", "--scope", "read:counted").json();
        String id = key.get("id").asString();
        assertThat(token(id, key.get("api_key").asString())).isEqualTo(200);
        assertThat(token(id, key.get("api_key").asString())).isEqualTo(200);

        CliRun usage = cli("usage", "--key", id);
        assertThat(usage.exitCode()).as(usage.toString()).isZero();
        assertThat(usage.lines().get(0)).startsWith("Key " + id + ": ");
        assertThat(usage.value("Last used at:")).isNotEqualTo("-");
        assertThat(usage.lines()).contains("OUTCOME  TOTAL", "issued   2");
        assertThat(usage.out()).contains("HOUR").contains("ISSUED");

        CliRun organization = cli("usage");
        assertThat(organization.lines().get(0)).startsWith("Organization acme: ");

        CliRun audit = cli("audit");
        assertThat(audit.exitCode()).as(audit.toString()).isZero();
        assertThat(audit.lines().get(0)).startsWith("ID").contains("AT", "ACTION", "TARGET", "ACTOR", "ADDRESS");
        assertThat(audit.lines()).anyMatch(line -> line.contains("key.create") && line.contains(id) && line.contains(owner.clientId()));
    }

    @Test
    void rerollPrintsTheNewKeyOnceAndExitCodesSayWhatHappened() {
        JsonNode key = cli("keys", "create", "--json", "--name", "rolled", "--scope", "read:rolled").json();
        String id = key.get("id").asString();
        String first = key.get("api_key").asString();

        CliRun rerolled = cli("keys", "reroll", id, "--grace", "1h");
        assertThat(rerolled.exitCode()).as(rerolled.toString()).isZero();
        String second = rerolled.value("API key:");
        assertThat(rerolled.out()).startsWith("Rerolled key " + id + " \"rolled\".")
                .contains("The old API key works until ")
                .contains("This is the only time the API key is shown. Store it now.");
        assertThat(second).startsWith("kmk_" + id + "_");
        assertThat(token(id, second)).isEqualTo(200);
        assertThat(token(id, first)).as("within the hour of grace").isEqualTo(200);

        JsonNode json = cli("keys", "reroll", id, "--grace", "0", "--json").json();
        assertThat(json.get("id").asString()).isEqualTo(id);
        assertThat(json.has("previous_secret_expires_at")).isTrue();
        assertThat(token(id, json.get("api_key").asString())).isEqualTo(200);
        assertThat(token(id, second)).as("grace 0: refused at once").isEqualTo(401);

        CliRun badGrace = cli("keys", "reroll", id, "--grace", "soon");
        assertThat(badGrace.exitCode()).as(badGrace.toString()).isEqualTo(2);
        assertThat(badGrace.err()).contains("'soon' is not a duration");
        CliRun tooLong = cli("keys", "reroll", id, "--grace", "8d");
        assertThat(tooLong.exitCode()).as(tooLong.toString()).isEqualTo(1);
        assertThat(tooLong.err()).contains("grace_period_seconds");
        assertThat(cli("keys", "reroll", ApiKeyFormat.generate().id()).exitCode()).isEqualTo(3);
        cli("keys", "revoke", id, "--yes");
        CliRun revoked = cli("keys", "reroll", id);
        assertThat(revoked.exitCode()).as(revoked.toString()).isEqualTo(1);
        assertThat(revoked.err()).contains("revoked");
        assertThat(token(id, json.get("api_key").asString())).isEqualTo(401);
    }

    @Test
    void unknownKeyExits3() {
        String unknown = ApiKeyFormat.generate().id();
        for (String[] command : List.of(new String[] {"keys", "show", unknown}, new String[] {"keys", "disable", unknown},
                new String[] {"keys", "delete", unknown, "--yes"}, new String[] {"usage", "--key", unknown},
                new String[] {"keys", "update", unknown, "--name", "x"})) {
            CliRun run = cli(command);
            assertThat(run.exitCode()).as(run.toString()).isEqualTo(3);
            assertThat(run.err()).contains("Not found");
            assertThat(run.out()).isEmpty();
        }
    }

    @Test
    void narrowerAdminKeyExits4AndChangesNothing() {
        String keysOnly = cli("keys", "create", "--json", "--name", "key manager", "--scope", "admin:keys/**").json()
                .get("api_key").asString();
        CliRun refused = CliRun.run(environment(keysOnly), Terminal.NONE, "keys", "disable", owner.clientId());
        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(4);
        assertThat(refused.err()).contains("Forbidden").contains("*:*");
        assertThat(api.get("/keys/" + owner.clientId()).json().get("status").asString()).isEqualTo("active");

        CliRun noAudit = CliRun.run(environment(keysOnly), Terminal.NONE, "audit");
        assertThat(noAudit.exitCode()).as(noAudit.toString()).isEqualTo(4);
    }

    @Test
    void refusedAdminKeyExits4WithoutShowingTheKey() {
        String stranger = ApiKeyFormat.generate().apiKey();
        CliRun run = CliRun.run(environment(stranger), Terminal.NONE, "keys", "list");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(4);
        assertThat(run.err()).startsWith("The admin key was refused by " + server.baseUrl());
        assertThat(run.err() + run.out()).doesNotContain(stranger);
    }

    @Test
    void serverDownExits5() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Map<String, String> environment = environment(owner.apiKey());
        environment.put("KEYMINT_URL", "http://127.0.0.1:" + closedPort);
        for (String[] command : List.of(new String[] {"keys", "list"}, new String[] {"usage"}, new String[] {"audit", "--json"})) {
            CliRun run = CliRun.run(environment, Terminal.NONE, command);
            assertThat(run.exitCode()).as(run.toString()).isEqualTo(5);
            assertThat(run.err()).startsWith("Cannot reach Keymint at http://127.0.0.1:" + closedPort);
        }
    }

    @Test
    void badUsageExits2AndSendsNothing() {
        long keys = keyCount();
        List<String[]> wrong = List.of(
                new String[] {"keys", "create", "--scope", "read:x"},                       // --name missing
                new String[] {"keys", "create", "--name", "x", "--scope", "read:x", "--quota", "5/year"},
                new String[] {"keys", "create", "--name", "x", "--scope", "read:x", "--rate-limit", "lots"},
                new String[] {"keys", "create", "--name", "x", "--scope", "read:x", "--colour", "red"},
                new String[] {"keys", "list", "--status", "sleeping"},
                new String[] {"keys", "update", owner.clientId()},                           // nothing to change
                new String[] {"keys", "update", owner.clientId(), "--team", "a", "--clear", "team"},
                new String[] {"keys", "update", owner.clientId(), "--clear", "name"},
                new String[] {"keys", "show"},
                new String[] {"keys"},
                new String[] {"keys", "reroll", owner.clientId(), "--grace", "-5m"});
        for (String[] command : wrong) {
            CliRun run = cli(command);
            assertThat(run.exitCode()).as(String.join(" ", command) + "\n" + run).isEqualTo(2);
            assertThat(run.err()).as(String.join(" ", command)).isNotBlank();
            assertThat(run.out()).isEmpty();
        }
        assertThat(cli("keys", "create", "--scope", "read:x").err())
                .startsWith("Missing required option: '--name=<name>'").contains("Usage: java -jar auth-server.jar keys create");
        assertThat(keyCount()).isEqualTo(keys);
        assertThat(api.get("/keys/" + owner.clientId()).json().has("team")).isFalse();
    }

    @Test
    void missingOrMalformedAdminKeyOrUrlExits2() {
        Map<String, String> noKey = new HashMap<>(Map.of("KEYMINT_URL", server.baseUrl()));
        CliRun missing = CliRun.run(noKey, Terminal.NONE, "keys", "list");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("KEYMINT_ADMIN_KEY is not set");

        String key = owner.apiKey();
        char last = key.charAt(key.length() - 1);
        // A different last character (an "x" when the key already ends in one would be the key itself).
        String typoKey = key.substring(0, key.length() - 1) + (last == 'x' ? 'y' : 'x');
        CliRun typo = CliRun.run(environment(typoKey), Terminal.NONE, "keys", "list");
        assertThat(typo.exitCode()).isEqualTo(2);
        assertThat(typo.err()).contains("KEYMINT_ADMIN_KEY is not a Keymint API key");

        CliRun badUrl = cli("keys", "list", "--url", "localhost:8080");
        assertThat(badUrl.exitCode()).isEqualTo(2);
        assertThat(badUrl.err()).contains("must be http:// or https://");
    }

    @Test
    void deleteAsksAtATerminalAndNeverWaitsWithoutOne() {
        JsonNode key = cli("keys", "create", "--json", "--name", "doomed", "--scope", "read:doomed").json();
        String id = key.get("id").asString();

        CliRun noTerminal = cli("keys", "delete", id);
        assertThat(noTerminal.exitCode()).as(noTerminal.toString()).isEqualTo(2);
        assertThat(noTerminal.err()).contains("add --yes");
        CliRun noTerminalRevoke = cli("keys", "revoke", id);
        assertThat(noTerminalRevoke.exitCode()).isEqualTo(2);
        assertThat(api.get("/keys/" + id).json().get("status").asString()).isEqualTo("active");

        CliRun.ScriptedTerminal declining = new CliRun.ScriptedTerminal("n");
        CliRun declined = CliRun.run(environment(owner.apiKey()), declining, "keys", "delete", id);
        assertThat(declined.exitCode()).isEqualTo(1);
        assertThat(declined.err()).contains("Cancelled. Nothing was changed.");
        assertThat(declining.questions).singleElement().asString()
                .isEqualTo("Delete key " + id + " \"doomed\" (active, scopes read:doomed)? This cannot be undone. [y/N] ");
        assertThat(api.get("/keys/" + id).status()).isEqualTo(200);

        CliRun confirmed = CliRun.run(environment(owner.apiKey()), new CliRun.ScriptedTerminal("y"), "keys", "delete", id);
        assertThat(confirmed.exitCode()).as(confirmed.toString()).isZero();
        assertThat(api.get("/keys/" + id).status()).isEqualTo(404);
    }

    @Test
    void recentlyUsedKeyNeedsForce() {
        JsonNode key = cli("keys", "create", "--json", "--name", "busy", "--scope", "read:busy").json();
        String id = key.get("id").asString();
        assertThat(token(id, key.get("api_key").asString())).isEqualTo(200);

        CliRun refused = cli("keys", "delete", id, "--yes");
        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(1);
        assertThat(refused.err()).contains("was used in the last 24 hours").contains("add --force");
        assertThat(api.get("/keys/" + id).status()).isEqualTo(200);

        assertThat(cli("keys", "delete", id, "--yes", "--force").exitCode()).isZero();
        assertThat(api.get("/keys/" + id).status()).isEqualTo(404);
    }

    @Test
    void serverRefusalOfAValueExits1WithTheFieldsNamed() {
        CliRun run = cli("keys", "create", "--name", "x", "--scope", "read:x", "--cidr", "10.0.0.1/8", "--expires-at", "yesterday");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).contains("allowed_cidrs[0]").contains("expires_at");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void helpForEveryCommandOfTheTree() {
        List<List<String>> commands = new ArrayList<>();
        walk(Commands.commandLine(new CliContext(Map.of(), Terminal.NONE)), List.of(), commands);
        assertThat(commands).as("the walk reaches the leaves").contains(List.of("keys", "import"), List.of("bootstrap"));
        for (List<String> command : commands) {
            String usage = ("Usage: java -jar auth-server.jar " + String.join(" ", command)).strip();
            CliRun help = CliRun.run(Map.of(), Terminal.NONE, concat(command, "--help"));
            assertThat(help.exitCode()).as(help.toString()).isZero();
            assertThat(help.out()).as(String.join(" ", command)).startsWith(usage).contains("Exit codes:");
            if (command.size() == 1) { // picocli's help command looks one level down
                CliRun helpCommand = CliRun.run(Map.of(), Terminal.NONE, "help", command.get(0));
                assertThat(helpCommand.out()).as("help " + command.get(0)).startsWith(usage);
            }
        }
    }

    /** Every command below {@code at}, picocli's own help command aside, each checked to say what it does. */
    private static void walk(CommandLine at, List<String> path, List<List<String>> found) {
        assertThat(at.getCommandSpec().usageMessage().description()).as("description of " + path).isNotEmpty();
        found.add(path);
        at.getSubcommands().forEach((name, sub) -> {
            if (!(sub.getCommand() instanceof HelpCommand)) {
                List<String> subPath = new ArrayList<>(path);
                subPath.add(name);
                walk(sub, subPath, found);
            }
        });
    }

    @Test
    void keysImportReadsAnNdjsonFileAndListsTheRefusedRows() throws IOException {
        Path file = Files.createTempFile("keys", ".ndjson");
        try {
            Files.writeString(file, String.join("\n",
                    "{\"client_id\": \"cli-legacy-1\", \"key_sha256\": \"" + sha256("legacy secret 1")
                            + "\", \"scopes\": [\"read:x\"]}",
                    "{\"client_id\": \"cli-legacy-2\", \"key_sha256\": \"abc\", \"scopes\": [\"read:x\"]}"));

            CliRun run = cli("keys", "import", file.toString());

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
            assertThat(run.out()).startsWith("Imported 1 key(s); 1 row(s) refused.")
                    .contains("row 2 (client_id cli-legacy-2): key_sha256: must be the SHA-256");
            assertThat(token("cli-legacy-1", "legacy secret 1")).isEqualTo(200);
            CliRun atomic = cli("keys", "import", "--atomic", file.toString());
            assertThat(atomic.exitCode()).as(atomic.toString()).isEqualTo(1);
            assertThat(atomic.err()).contains("nothing was imported").contains("row 1 (client_id cli-legacy-1)");
        } finally {
            Files.delete(file);
        }
        assertThat(cli("keys", "import", "no-such-file.ndjson").exitCode()).isEqualTo(2);
    }

    private static String sha256(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theJarRunsTheServerUnlessTheFirstArgumentIsACommand() {
        assertThat(Commands.isCommand(new String[] {"keys", "list"})).isTrue();
        assertThat(Commands.isCommand(new String[] {"bootstrap"})).isTrue();
        assertThat(Commands.isCommand(new String[] {"--help"})).isTrue();
        assertThat(Commands.isCommand(new String[] {"--server.port=0"})).isFalse();
        assertThat(Commands.isCommand(new String[] {})).isFalse();
    }

    private static String[] concat(List<String> first, String... rest) {
        List<String> all = new ArrayList<>(first);
        all.addAll(List.of(rest));
        return all.toArray(String[]::new);
    }

    private static CliRun cli(String... args) {
        return CliRun.run(environment(owner.apiKey()), Terminal.NONE, args);
    }

    private static Map<String, String> environment(String adminKey) {
        return new HashMap<>(Map.of("KEYMINT_URL", server.baseUrl(), "KEYMINT_ADMIN_KEY", adminKey));
    }

    private static int token(String id, String apiKey) {
        return tokens.basic(id, apiKey, "grant_type", "client_credentials").status();
    }

    private static long keyCount() {
        return server.jdbc().sql("select count(*) from api_keys").query(Long.class).single();
    }
}
