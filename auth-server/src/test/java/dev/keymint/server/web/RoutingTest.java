package dev.keymint.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keymint.server.testsupport.KeymintServer;
import dev.keymint.server.testsupport.RawHttp;
import dev.keymint.server.testsupport.TokenClient;
import dev.keymint.server.testsupport.TokenClient.Response;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a newcomer or a scanner gets outside the documented endpoints: the server's root leads to
 * the console, an unknown path is a 404 problem JSON, and no framework default error body ever
 * appears (the {@code /error} path included).
 */
class RoutingTest {

    @AutoClose
    private static KeymintServer server;

    @BeforeAll
    static void start() {
        server = KeymintServer.onFreshDatabase().start();
    }

    @Test
    void rootRedirectsToTheConsole() {
        Response root = TokenClient.get(server.baseUrl() + "/");

        assertThat(root.status()).isIn(302, 303);
        assertThat(URI.create(server.baseUrl() + "/").resolve(root.header("Location")).toString())
                .isEqualTo(server.baseUrl() + "/console/");
    }

    @Test
    void unknownPathsThen404ProblemWithoutFrameworkBody() {
        for (String method : List.of("GET", "POST", "PUT", "DELETE")) {
            for (String path : List.of("/nope", "/actuator/env", "/.well-known/nope", "/index.html", "/a/b/c?x=1")) {
                Response response = send(method, path);

                assertNotFoundProblem(response, method + " " + path);
            }
        }
        assertNotFoundProblem(send("GET", "/console/nope.js"), "GET /console/nope.js");
    }

    @Test
    void errorPathIsNotAnEndpoint() {
        for (String method : List.of("GET", "POST")) {
            assertNotFoundProblem(send(method, "/error"), method + " /error");
        }
    }

    @Test
    void malformedRequestTargetOutsideTheApiThen400Problem() {
        RawHttp.Reply reply = RawHttp.send(server.baseUrl(), "GET /nope?x=%", null);

        assertThat(reply.status()).as(reply.body()).isIn(400, 404);
        assertThat(reply.header("Content-Type")).startsWith("application/problem+json");
        assertThat(reply.body()).doesNotContain("timestamp");
    }

    @Test
    void requestTargetTomcatRefusesThen400ProblemAndUnderOauthNoServerDetails() {
        RawHttp.Reply admin = RawHttp.send(server.baseUrl(), "GET /admin/v1/keys/%00", null);
        RawHttp.Reply oauth = RawHttp.send(server.baseUrl(), "POST /oauth/token/%00", null);

        assertThat(admin.status()).isEqualTo(400);
        assertThat(admin.header("Content-Type")).startsWith("application/problem+json");
        assertThat(oauth.status()).isEqualTo(400);
        assertThat(oauth.body()).doesNotContainIgnoringCase("tomcat").doesNotContain("Exception");
    }

    private static Response send(String method, String path) {
        return TokenClient.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build());
    }

    private static void assertNotFoundProblem(Response response, String what) {
        assertThat(response.status()).as(what + " -> " + response.body()).isEqualTo(404);
        assertThat(response.header("Content-Type")).as(what).startsWith("application/problem+json");
        assertThat(response.json().get("status").asInt()).as(what).isEqualTo(404);
        assertThat(response.body()).as(what).doesNotContain("timestamp").doesNotContain("\"path\"")
                .doesNotContain("Exception");
    }
}
