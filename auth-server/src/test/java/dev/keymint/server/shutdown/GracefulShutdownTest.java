package dev.keymint.server.shutdown;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keymint.server.organizations.OrganizationBootstrapper.BootstrappedOrganization;
import dev.keymint.server.testsupport.KeymintServer;
import dev.keymint.server.testsupport.TokenClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A client that keeps its connection alive, as every OAuth client library does, and sends its next
 * request just after the server was told to stop, gets an answer (and is told to reconnect), not a
 * connection reset. Shutdown has begun once readiness says so.
 */
class GracefulShutdownTest {

    @Test
    void requestOnKeptAliveConnectionAfterShutdownBeganIsAnsweredAndConnectionClosedCleanly() throws Exception {
        KeymintServer server = KeymintServer.onFreshDatabase().property("keymint.shutdown.drain", "10s").start();
        CompletableFuture<Void> closing = null;
        try {
            BootstrappedOrganization key = server.bootstrap("drain-co", "*:*");
            URI base = URI.create(server.baseUrl());
            try (Socket connection = new Socket(base.getHost(), base.getPort())) {
                connection.setSoTimeout(30_000);
                assertThat(exchange(connection, tokenRequest(key))).startsWith("HTTP/1.1 200");

                closing = CompletableFuture.runAsync(server::close);
                awaitNotReady(server);
                String answer = exchange(connection, tokenRequest(key));

                assertThat(answer).startsWith("HTTP/1.1 200");
                assertThat(answer.toLowerCase(Locale.ROOT)).contains("connection: close").contains("access_token");
                assertThat(connection.getInputStream().read()).as("closed by the server after the answer").isEqualTo(-1);
            }
            closing.get(60, TimeUnit.SECONDS);
        } finally {
            if (closing == null) {
                server.close();
            }
        }
    }

    private static void awaitNotReady(KeymintServer server) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(30);
        while (Instant.now().isBefore(deadline)) {
            try {
                if (TokenClient.get(server.baseUrl() + "/readyz").status() == 503) {
                    return;
                }
            } catch (UncheckedIOException refused) {
                return; // no longer accepting connections: shutdown has begun too
            }
            Thread.sleep(20);
        }
        throw new AssertionError("readiness never said the server refuses traffic");
    }

    private static String tokenRequest(BootstrappedOrganization key) {
        String credentials = Base64.getEncoder().encodeToString(
                (URLEncoder.encode(key.clientId(), StandardCharsets.UTF_8) + ":"
                        + URLEncoder.encode(key.apiKey(), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
        String body = "grant_type=client_credentials";
        return "POST /oauth/token HTTP/1.1\r\nHost: localhost\r\nAuthorization: Basic " + credentials
                + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " + body.length()
                + "\r\n\r\n" + body;
    }

    /** Sends one HTTP/1.1 request on the connection and reads one response (headers and a Content-Length body). */
    private static String exchange(Socket connection, String request) throws IOException {
        connection.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
        connection.getOutputStream().flush();
        InputStream in = connection.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed before an answer; got: " + head.toString(StandardCharsets.ISO_8859_1));
            }
            head.write(b);
        }
        String headers = head.toString(StandardCharsets.ISO_8859_1);
        int length = headers.lines().filter(line -> line.toLowerCase(Locale.ROOT).startsWith("content-length:"))
                .map(line -> Integer.parseInt(line.substring(line.indexOf(':') + 1).trim())).findFirst()
                .orElseThrow(() -> new IOException("no Content-Length in " + headers));
        return headers + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }
}
