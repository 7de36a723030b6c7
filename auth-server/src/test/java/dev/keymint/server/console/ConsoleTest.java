package dev.keymint.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keymint.server.testsupport.KeymintServer;
import dev.keymint.server.testsupport.TokenClient;
import dev.keymint.server.testsupport.TokenClient.Response;
import java.net.URI;
import java.net.http.HttpRequest;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The console's files over plain HTTP: served to anyone with the right content types and the strict
 * headers (CSP, no referrer, no caching, no framing), GET and HEAD only. What the page does with
 * them is tested in a real browser: {@link ConsoleBrowserTest}.
 */
class ConsoleTest {

    private static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    @AutoClose
    private static KeymintServer server;

    @BeforeAll
    static void start() {
        server = KeymintServer.onFreshDatabase().start();
    }

    private static Response get(String path) {
        return TokenClient.get(server.baseUrl() + path);
    }

    @Test
    void consoleRootServesThePageWithStrictHeaders() {
        Response page = get("/console/");

        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("Content-Type")).startsWith("text/html");
        assertThat(page.body()).contains("<title>Keymint console</title>");
        assertStrictHeaders(page);
    }

    @Test
    void headOfTheConsoleRootHasTheSameHeaders() {
        Response head = TokenClient.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/console/"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());

        assertThat(head.status()).isEqualTo(200);
        assertStrictHeaders(head);
    }

    @Test
    void consoleWithoutSlashRedirectsToTheSlash() {
        Response redirect = get("/console");

        assertThat(redirect.status()).isEqualTo(302);
        assertThat(URI.create(server.baseUrl() + "/console").resolve(redirect.header("Location")).getPath())
                .isEqualTo("/console/");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/console/index.html:text/html", "/console/app.js:text/javascript",
            "/console/session.js:text/javascript", "/console/style.css:text/css",
            "/console/webjars/chart.js/dist/chart.umd.min.js:text/javascript"})
    void eachFileIsServedWithItsContentTypeAndStrictHeaders(String pathAndType) {
        String[] parts = pathAndType.split(":");
        Response file = get(parts[0]);

        assertThat(file.status()).isEqualTo(200);
        assertThat(file.header("Content-Type")).startsWith(parts[1]);
        assertThat(file.body()).isNotBlank();
        assertStrictHeaders(file);
    }

    @Test
    void aMissingConsoleFileIs404NotAnotherPage() {
        assertThat(get("/console/nothing.js").status()).isEqualTo(404);
    }

    @Test
    void onlyGetIsAllowed() {
        Response post = TokenClient.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/console/index.html"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build());

        assertThat(post.status()).isIn(403, 405);
    }

    private static void assertStrictHeaders(Response response) {
        assertThat(response.header("Content-Security-Policy")).isEqualTo(CSP);
        assertThat(response.header("Referrer-Policy")).isEqualTo("no-referrer");
        assertThat(response.header("Cache-Control")).isEqualTo("no-store");
        assertThat(response.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(response.header("X-Frame-Options")).isEqualTo("DENY");
        assertThat(response.header("Set-Cookie")).isNull();
    }
}
