package dev.keymint.server.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keymint.server.organizations.OrganizationBootstrapper.BootstrappedOrganization;
import dev.keymint.server.testsupport.KeymintServer;
import dev.keymint.server.testsupport.TokenClient;
import dev.keymint.server.testsupport.TokenClient.Response;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What an attacker (or a sloppy client) sends to the OAuth endpoints instead of a well-formed
 * token request — broken form encoding, NUL bytes, oversized bodies, bodies of another type,
 * parameters in the URL or given twice, two client authentication methods at once, undecodable
 * HTTP Basic credentials, paths that do not exist — gets RFC 6749 §5.2 JSON with
 * {@code Cache-Control: no-store}: never a framework default body, never a 5xx, never a token.
 */
class MalformedTokenRequestTest {

    private static final String GRANT = "grant_type=client_credentials";

    private static KeymintServer server;
    private static TokenClient client;
    private static BootstrappedOrganization acme;

    @BeforeAll
    static void start() {
        server = KeymintServer.onFreshDatabase().start();
        client = new TokenClient(server.tokenEndpoint());
        acme = server.bootstrap("acme", "read:projects/**");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void formBodyTheContainerCannotDecodeIsInvalidRequest() {
        String manyParameters = GRANT + IntStream.range(0, 20_000).mapToObj(i -> "&p" + i + "=x").collect(Collectors.joining());
        for (String body : List.of(GRANT + "&scope=read%", GRANT + "&scope=read%zz", GRANT + "&scope=read:%C3%28",
                GRANT + "&=x", manyParameters, GRANT + "&client_id=%&client_secret=x")) {
            Response response = client.post(basic(acme.clientId(), acme.apiKey()), body);

            assertOAuthError(response, 400, "invalid_request", abbreviated(body));
            assertThat(response.field("error_description")).contains("x-www-form-urlencoded");
        }
    }

    @Test
    void formBodyLargerThanTheServerAcceptsIs413InvalidRequest() {
        Response response = client.post(basic(acme.clientId(), acme.apiKey()), GRANT + "&scope=" + "a".repeat(3_000_000));

        assertOAuthError(response, 413, "invalid_request", "3 MB body");
    }

    @Test
    void nulAndControlBytesInParametersAreRefusedInTheEndpointsConvention() {
        String basic = basic(acme.clientId(), acme.apiKey());

        assertOAuthError(client.post(basic, GRANT + "&scope=read:%00"), 400, "invalid_scope", "scope NUL");
        assertOAuthError(client.post(basic, GRANT + "&scope=read:\u0000x"), 400, "invalid_scope", "raw NUL");
        assertOAuthError(client.post(basic, "grant_type=%00"), 400, "unsupported_grant_type", "grant_type NUL");
        Response clientIdNul = client.post(null, GRANT + "&client_id=%00&client_secret=" + encode(acme.apiKey()));
        assertOAuthError(clientIdNul, 400, "invalid_request", "client_id NUL");
        assertThat(clientIdNul.field("error_description")).contains("client_id");
    }

    @Test
    void bodyThatIsNotAUrlEncodedFormIsInvalidRequest() {
        String basic = basic(acme.clientId(), acme.apiKey());
        String boundary = "keymint-boundary";
        String multipart = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"grant_type\"\r\n\r\n"
                + "client_credentials\r\n--" + boundary + "--\r\n";

        for (String[] typeAndBody : List.of(
                new String[] {"multipart/form-data; boundary=" + boundary, multipart},
                new String[] {"multipart/form-data", GRANT},
                new String[] {"application/json", "{\"grant_type\":\"client_credentials\"}"},
                new String[] {"text/plain", GRANT},
                new String[] {";;;", GRANT})) {
            Response response = TokenClient.send(HttpRequest.newBuilder(URI.create(server.tokenEndpoint()))
                    .header("Content-Type", typeAndBody[0]).header("Authorization", basic)
                    .POST(HttpRequest.BodyPublishers.ofString(typeAndBody[1])).build());

            assertOAuthError(response, 400, "invalid_request", typeAndBody[0]);
        }
    }

    @Test
    void parametersInTheQueryStringAreRefusedNotSilentlyIgnored() {
        String basic = basic(acme.clientId(), acme.apiKey());

        // A scope in the URL was ignored: the caller got a token with every scope of the key.
        Response scopeInUrl = post("?scope=read:projects/1", basic, GRANT);
        Response secretInUrl = post("?client_id=" + acme.clientId() + "&client_secret=" + encode(acme.apiKey()), null, GRANT);
        Response grantInUrl = post("?" + GRANT, basic, "");

        for (Response response : List.of(scopeInUrl, secretInUrl, grantInUrl)) {
            assertOAuthError(response, 400, "invalid_request", response.raw().uri().toString());
            assertThat(response.field("error_description")).contains("query");
        }
    }

    @Test
    void twoClientAuthenticationMethodsInOneRequestAreInvalidRequest() {
        String basic = basic(acme.clientId(), acme.apiKey());
        String key = encode(acme.apiKey());

        Response both = client.post(basic, GRANT + "&client_id=" + acme.clientId() + "&client_secret=" + key);
        Response basicAndSecret = client.post(basic, GRANT + "&client_secret=" + key);
        Response basicAndOtherId = client.post(basic, GRANT + "&client_id=AAAAAAAAAAAAAAAA");
        Response twoHeaders = TokenClient.send(HttpRequest.newBuilder(URI.create(server.tokenEndpoint()))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", basic).header("Authorization", basic)
                .POST(HttpRequest.BodyPublishers.ofString(GRANT)).build());

        assertOAuthError(both, 400, "invalid_request", "Basic and client_secret_post");
        assertThat(both.field("error_description")).contains("two client authentication methods");
        assertOAuthError(basicAndSecret, 400, "invalid_request", "Basic and client_secret");
        assertOAuthError(basicAndOtherId, 400, "invalid_request", "Basic and another client_id");
        assertOAuthError(twoHeaders, 400, "invalid_request", "two Authorization headers");
        // RFC 6749 §3.2.1 lets a client name itself with client_id; some libraries always send it.
        assertThat(client.post(basic, GRANT + "&client_id=" + acme.clientId()).status()).isEqualTo(200);
    }

    @Test
    void repeatedParametersAreInvalidRequestNamingTheParameter() {
        String id = acme.clientId();
        String key = encode(acme.apiKey());

        for (String[] bodyAndName : List.of(
                new String[] {GRANT + "&client_id=" + id + "&client_id=" + id + "&client_secret=" + key, "client_id"},
                new String[] {GRANT + "&client_id=&client_id=" + id + "&client_secret=" + key, "client_id"},
                new String[] {GRANT + "&client_id=" + id + "&client_secret=" + key + "&client_secret=" + key, "client_secret"},
                new String[] {GRANT + "&client_id=" + id + "&client_secret=" + key + "&scope=read:a&scope=read:b", "scope"})) {
            Response response = client.post(null, bodyAndName[0]);

            assertOAuthError(response, 400, "invalid_request", bodyAndName[1]);
            assertThat(response.field("error_description")).contains("'" + bodyAndName[1] + "' is repeated");
        }
    }

    @Test
    void undecodableBasicCredentialsAreInvalidClient() {
        for (String credentials : List.of("!!!not-base64", b64("no-colon"), b64(acme.clientId() + ":%zz"),
                b64("%:" + acme.apiKey()), b64(acme.clientId() + ":" + "%"), b64("\u00e9t\u00e9:" + acme.apiKey()),
                b64("a\u0000b:c"), "", " " + b64(acme.clientId() + ":" + acme.apiKey()))) {
            Response response = client.post("Basic " + credentials, GRANT);

            assertOAuthError(response, 401, "invalid_client", credentials);
            assertThat(response.header("WWW-Authenticate")).startsWith("Basic");
            assertThat(response.field("error_description")).startsWith("Malformed HTTP Basic");
        }
    }

    @Test
    void unknownPathsUnderOauthAreOAuthJson404() {
        for (String[] methodAndPath : List.of(new String[] {"GET", "/oauth/nope"}, new String[] {"POST", "/oauth/nope"},
                new String[] {"GET", "/oauth"}, new String[] {"GET", "/oauth/"}, new String[] {"POST", "/oauth/token/"},
                new String[] {"POST", "/oauth/token/extra"})) {
            Response response = send(methodAndPath[0], methodAndPath[1]);

            assertOAuthError(response, 404, "invalid_request", methodAndPath[0] + " " + methodAndPath[1]);
        }
        Response postJwks = send("POST", "/oauth/jwks");
        assertOAuthError(postJwks, 405, "invalid_request", "POST /oauth/jwks");
        assertThat(postJwks.header("Allow")).contains("GET");
        assertThat(send("GET", "/oauth/jwks").status()).isEqualTo(200);
    }

    @Test
    void pathsTheFirewallRefusesUnderOauthAreOAuthJson400() {
        for (String path : List.of("/oauth//token", "/oauth/token;x=y", "/oauth/%2e%2e/token")) {
            Response response = TokenClient.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Authorization", basic(acme.clientId(), acme.apiKey()))
                    .POST(HttpRequest.BodyPublishers.ofString(GRANT)).build());

            assertOAuthError(response, 400, "invalid_request", path);
        }
    }

    @Test
    void requestsTomcatRefusesBeforeAnyFilterAreOAuthJson400UnderOauth() {
        Response hugeHeader = client.post("Basic " + "a".repeat(20_000), GRANT);
        Response nulInPath = send("GET", "/oauth/%00");

        assertOAuthError(hugeHeader, 400, "invalid_request", "20 kB Authorization header");
        assertOAuthError(nulInPath, 400, "invalid_request", "/oauth/%00");
    }

    private static Response post(String query, String authorization, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.tokenEndpoint() + query))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return TokenClient.send(request.build());
    }

    private static Response send(String method, String path) {
        return TokenClient.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build());
    }

    private static String basic(String id, String secret) {
        return "Basic " + b64(encode(id) + ":" + encode(secret));
    }

    private static String b64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String abbreviated(String text) {
        return text.length() > 80 ? text.substring(0, 80) + "…" : text;
    }

    private static void assertOAuthError(Response response, int status, String error, String what) {
        assertThat(response.status()).as(what + ": " + abbreviated(response.body())).isEqualTo(status);
        assertThat(response.header("Content-Type")).as(what).startsWith("application/json");
        assertThat(response.header("Cache-Control")).as(what).contains("no-store");
        assertThat(response.field("error")).as(what).isEqualTo(error);
        assertThat(response.json().has("timestamp")).as(what + ": a framework default body").isFalse();
        assertThat(response.json().has("access_token")).as(what).isFalse();
    }
}
