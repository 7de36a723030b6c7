package dev.keymint.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keymint.server.testsupport.KeymintServer;
import dev.keymint.server.testsupport.TestPostgres;
import dev.keymint.server.testsupport.TokenClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bootstrap} and {@code rotate-signing-key}, the commands that work on the database, in
 * their own process as an operator runs them beside a server: output, refusals and exit codes as
 * they were before they moved onto picocli.
 */
class DatabaseCommandsTest {

    private static KeymintServer.Builder database;
    private static KeymintServer server;

    @TempDir
    static Path dataDir;

    @BeforeAll
    static void start() {
        database = KeymintServer.onFreshDatabase();
        server = database.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void bootstrapPrintsAWorkingKeyOnceThenRefusesTheSameOrganization() throws Exception {
        Result created = java("bootstrap", "--org", "beta", "--scope", "*:*", "--scope", "read:x");
        assertThat(created.exitCode()).as(created.toString()).isZero();
        List<String> lines = created.out().lines().toList();
        assertThat(lines).hasSize(6);
        assertThat(lines.get(0)).isEqualTo("Organization: beta");
        assertThat(lines.get(1)).matches("Client id:    [0-9A-Za-z]{16}");
        assertThat(lines.get(2)).isEqualTo("Scopes:       *:* read:x");
        assertThat(lines.get(3)).startsWith("API key:      kmk_" + lines.get(1).substring(14) + "_");
        assertThat(lines.get(4)).isEmpty();
        assertThat(lines.get(5)).isEqualTo("This is the only time the API key is shown. Store it now.");
        assertThat(new TokenClient(server.tokenEndpoint())
                .basic(lines.get(1).substring(14), lines.get(3).substring(14), "grant_type", "client_credentials").status())
                .isEqualTo(200);

        Result again = java("bootstrap", "--org", "beta", "--scope", "*:*", "--json");
        assertThat(again.exitCode()).as(again.toString()).isEqualTo(1);
        assertThat(again.err()).contains("bootstrap refused: ");
        assertThat(again.out()).isEmpty();
    }

    @Test
    void bootstrapWithAgentAndTeamMakesTheFirstKeyTheProductionKeyOfANewAgentOfThatTeam() throws Exception {
        Result created = java("bootstrap", "--org", "gamma", "--scope", "read:x", "--agent", "billing bot",
                "--team", "finance", "--json");

        assertThat(created.exitCode()).as(created.toString()).isZero();
        String clientId = tools.jackson.databind.json.JsonMapper.builder().build().readTree(created.out())
                .get("client_id").asString();
        assertThat(server.row("""
                select k.name, k.team, k.scopes::text as scopes, a.name as agent, a.team as agent_team
                  from api_keys k join agents a on a.id = k.agent_id where k.id = ?""", clientId))
                .containsEntry("name", "Production").containsEntry("team", "finance").containsEntry("scopes", "{read:x}")
                .containsEntry("agent", "billing bot").containsEntry("agent_team", "finance");
        assertThat(server.jdbc().sql("select action from audit_events where target = (select agent_id from api_keys where id = ?)")
                .param(clientId).query(String.class).list()).containsExactly("agent.create");
    }

    @Test
    void bootstrapUsageErrorExits2() throws Exception {
        Result missing = java("bootstrap", "--scope", "*:*");
        assertThat(missing.exitCode()).as(missing.toString()).isEqualTo(2);
        assertThat(missing.err()).contains("Missing required option: '--org=<slug>'");
        Result noScope = java("bootstrap", "--org", "gamma");
        assertThat(noScope.exitCode()).isEqualTo(2);
        assertThat(noScope.err()).contains("--scope");
        assertThat(server.row("select count(*) as n from organizations where slug = 'gamma'").get("n")).isEqualTo(0L);
    }

    @Test
    void rotateSigningKeyPublishesTheNextKey() throws Exception {
        Result rotated = java("rotate-signing-key");
        assertThat(rotated.exitCode()).as(rotated.toString()).isZero();
        assertThat(rotated.out()).matches("Published signing key \\S+; it starts signing after the pre-publication window\\R");
        String kid = rotated.out().split(" ")[3].replace(";", "");
        assertThat(server.row("select state from signing_keys where kid = ?", kid).get("state")).isEqualTo("next");

        server.bootstrap("rotation-watcher", "*:*");
        Result emergency = java("rotate-signing-key", "--emergency");
        String current = emergency.out().strip().substring(emergency.out().strip().lastIndexOf(' ') + 1);
        assertThat(server.row("select count(*) as n from audit_events where actor_key_id = 'cli'"
                + " and action = 'signing-key.emergency-rotate' and target = ?", current).get("n"))
                .as("in every organization's trail, actor cli")
                .isEqualTo(server.row("select count(*) as n from organizations").get("n"));

        Result wrong = java("rotate-signing-key", "--now");
        assertThat(wrong.exitCode()).isEqualTo(2);
        assertThat(wrong.err()).contains("Unknown option: '--now'");
    }

    private record Result(int exitCode, String out, String err) {
    }

    private static Result java(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                Main.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(name -> name.startsWith("SPRING_") || name.startsWith("KEYMINT_"));
        builder.environment().put("SPRING_DATASOURCE_URL", database.jdbcUrl());
        builder.environment().put("SPRING_DATASOURCE_USERNAME", TestPostgres.user());
        builder.environment().put("SPRING_DATASOURCE_PASSWORD", TestPostgres.password());
        builder.environment().put("KEYMINT_MASTER_KEY", database.masterKey());
        builder.environment().put("KEYMINT_DATA_DIR", dataDir.toString());
        Path err = Files.createTempFile(dataDir, "stderr", ".txt"); // a file: a full stderr pipe could stall the command
        builder.redirectError(err.toFile());
        Process process = builder.start();
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(180, TimeUnit.SECONDS)).as("finished").isTrue();
        String errText = Files.readString(err);
        return new Result(process.exitValue(), out, errText);
    }
}
