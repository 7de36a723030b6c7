package dev.keymint.server.database;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keymint.server.cli.Main;
import dev.keymint.server.testsupport.AdminClient;
import dev.keymint.server.testsupport.TokenClient;
import dev.keymint.server.testsupport.TokenClient.Response;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The newcomer's path with nothing configured, in real processes: the server starts on its
 * embedded PostgreSQL, the {@code bootstrap} command runs beside it on the same data directory,
 * and a restart keeps the key, the signing key, and the usage counts and last-used time of tokens
 * issued just before the first server was stopped (the database stops only after they are written).
 */
class EmbeddedDatabaseEndToEndTest {

    private static final Duration STARTUP_LIMIT = Duration.ofSeconds(180);

    @TempDir
    Path dataDir;

    @Test
    void bootstrapWhileServerRunsThenTokenThenRestartKeepsEverything() throws Exception {
        Process server = startServer();
        JsonNode bootstrapped;
        String jwksBefore;
        JsonNode worker;
        try {
            String baseUrl = awaitHealthy(server);
            bootstrapped = bootstrap();
            assertThat(bootstrapped.get("org").asString()).isEqualTo("acme");
            assertThat(bootstrapped.get("scopes").get(0).asString()).isEqualTo("*:*");
            Response token = new TokenClient(baseUrl + "/oauth/token").basic(bootstrapped.get("client_id").asString(),
                    bootstrapped.get("api_key").asString(), "grant_type", "client_credentials");
            assertThat(token.status()).isEqualTo(200);
            jwksBefore = TokenClient.get(baseUrl + "/oauth/jwks").body();
            worker = AdminClient.at(baseUrl, token.accessToken()).post("/keys", "{\"name\": \"worker\", \"scopes\": [\"read:x\"]}").json();
            TokenClient workerTokens = new TokenClient(baseUrl + "/oauth/token");
            workerTokens.basic(worker.get("id").asString(), worker.get("api_key").asString(), "grant_type", "client_credentials")
                    .accessToken();
            workerTokens.basic(worker.get("id").asString(), worker.get("api_key").asString(), "grant_type", "client_credentials")
                    .accessToken();
        } finally {
            stop(server); // at once: the usage counts and last-used time are still only in memory
        }
        assertThat(dataDir.resolve("master.key")).exists();

        Process restarted = startServer();
        try {
            String baseUrl = awaitHealthy(restarted);
            Response token = new TokenClient(baseUrl + "/oauth/token").basic(bootstrapped.get("client_id").asString(),
                    bootstrapped.get("api_key").asString(), "grant_type", "client_credentials");
            assertThat(token.status()).isEqualTo(200);
            assertThat(TokenClient.get(baseUrl + "/oauth/jwks").body()).isEqualTo(jwksBefore);
            Response usage = AdminClient.at(baseUrl, token.accessToken()).get("/usage/keys/" + worker.get("id").asString());
            assertThat(usage.status()).isEqualTo(200);
            assertThat(usage.json().get("totals").get("issued").asLong()).as("tokens counted before the restart").isEqualTo(2);
            assertThat(usage.field("last_used_at")).as("last use recorded before the restart").isNotNull();
        } finally {
            stop(restarted);
        }
    }

    private int port;


    private Process startServer() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        // A random management port: other builds on this machine may hold the default 9090.
        return java("--server.port=" + port, "--management.server.port=0").redirectOutput(dataDir.resolve("server-" + port + ".log").toFile())
                .redirectErrorStream(true).start();
    }

    private JsonNode bootstrap() throws Exception {
        Process cli = java("bootstrap", "--org", "acme", "--scope", "*:*", "--json")
                .redirectError(dataDir.resolve("bootstrap.log").toFile()).start();
        assertThat(cli.waitFor(STARTUP_LIMIT.toSeconds(), TimeUnit.SECONDS)).as("bootstrap finished").isTrue();
        String stdout = new String(cli.getInputStream().readAllBytes()).trim();
        assertThat(cli.exitValue()).as(Files.readString(dataDir.resolve("bootstrap.log"))).isZero();
        return JsonMapper.builder().build().readTree(stdout);
    }

    private ProcessBuilder java(String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                Main.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(name -> name.startsWith("SPRING_") || name.startsWith("KEYMINT_"));
        builder.environment().put("KEYMINT_DATA_DIR", dataDir.toString());
        return builder;
    }

    private String awaitHealthy(Process server) throws Exception {
        String baseUrl = "http://127.0.0.1:" + port;
        Instant deadline = Instant.now().plus(STARTUP_LIMIT);
        while (Instant.now().isBefore(deadline)) {
            assertThat(server.isAlive()).as("server process exited; see its log in " + dataDir).isTrue();
            try {
                if (TokenClient.get(baseUrl + "/readyz").status() == 200) {
                    return baseUrl;
                }
            } catch (RuntimeException notYetListening) {
                // keep polling until the deadline
            }
            Thread.sleep(250);
        }
        throw new AssertionError("server not healthy within " + STARTUP_LIMIT);
    }

    private static void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
