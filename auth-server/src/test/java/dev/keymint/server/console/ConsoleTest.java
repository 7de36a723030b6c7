package dev.keymint.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keymint.server.testsupport.KeymintServer;
import dev.keymint.server.testsupport.TokenClient;
import dev.keymint.server.testsupport.TokenClient.Response;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The web console over real HTTP: its three files are served to anyone with the right content
 * types and strict headers, the page loads only same-origin code, and the script keeps to the
 * rules that make it XSS-safe and keep the token out of storage. (The console's behaviour in a
 * browser is not tested here: CI has no browser.)
 */
class ConsoleTest {

    private static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    private static KeymintServer server;

    @BeforeAll
    static void start() {
        server = KeymintServer.onFreshDatabase().start();
    }

    @AfterAll
    static void stop() {
        server.close();
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
            "/console/style.css:text/css"})
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

    @Test
    void thePageLoadsOnlySameOriginScriptsAndStylesAndNoInlineCode() {
        String html = get("/console/").body();

        assertThat(attributeValues(html, "script", "src")).containsExactly("app.js");
        assertThat(attributeValues(html, "link", "href")).containsExactly("data:,", "style.css");
        // No inline script or style (the CSP would block them anyway) and no inline handlers.
        assertThat(html).doesNotContainPattern("(?i)<script(?![^>]*\\bsrc=)[^>]*>");
        assertThat(html).doesNotContainPattern("(?i)<style[\\s>]");
        assertThat(html).doesNotContainPattern("(?i)\\sstyle\\s*=");
        assertThat(html).doesNotContainPattern("(?i)\\son[a-z]+\\s*=");
        assertThat(html).doesNotContainPattern("(?i)(src|href)\\s*=\\s*\"(https?:)?//");
    }

    @Test
    void theScriptNeverParsesDataAsHtmlNorStoresTheToken() {
        String js = get("/console/app.js").body();

        assertThat(js).doesNotContain("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(",
                "new Function", "localStorage", "sessionStorage", "document.cookie", "indexedDB");
        // Every fetch is same-origin: relative paths only, never an absolute URL.
        assertThat(js).doesNotContainPattern("fetch\\(\\s*[\"'`]https?:");
        assertThat(js).contains("credentials: \"omit\"");
    }

    @Test
    void theStylesheetLoadsNothingFromElsewhere() {
        String css = get("/console/style.css").body();

        assertThat(css).doesNotContainPattern("(?i)@import|url\\(\\s*[\"']?(https?:)?//");
    }

    private static void assertStrictHeaders(Response response) {
        assertThat(response.header("Content-Security-Policy")).isEqualTo(CSP);
        assertThat(response.header("Referrer-Policy")).isEqualTo("no-referrer");
        assertThat(response.header("Cache-Control")).isEqualTo("no-store");
        assertThat(response.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(response.header("X-Frame-Options")).isEqualTo("DENY");
        assertThat(response.header("Set-Cookie")).isNull();
    }

    private static List<String> attributeValues(String html, String tag, String attribute) {
        List<String> values = new ArrayList<>();
        Matcher tags = Pattern.compile("(?is)<" + tag + "\\b[^>]*>").matcher(html);
        while (tags.find()) {
            Matcher value = Pattern.compile("(?i)\\b" + attribute + "\\s*=\\s*\"([^\"]*)\"").matcher(tags.group());
            if (value.find()) {
                values.add(value.group(1));
            }
        }
        return values;
    }
}
