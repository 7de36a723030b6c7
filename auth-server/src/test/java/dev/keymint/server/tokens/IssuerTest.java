package dev.keymint.server.tokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jwt.SignedJWT;
import dev.keymint.sdk.TokenVerifier;
import dev.keymint.server.organizations.OrganizationBootstrapper.BootstrappedOrganization;
import dev.keymint.server.testsupport.AdminClient;
import dev.keymint.server.testsupport.KeymintServer;
import dev.keymint.server.testsupport.TokenClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The issuer is the server's, never the request's: without {@code KEYMINT_ISSUER} it is
 * {@code http://localhost:<port>} however the server is reached and whatever {@code Host} header
 * a caller forges, so the README's SDK example ({@code forIssuer("http://localhost:8080")})
 * accepts a token fetched through {@code 127.0.0.1}; a configured issuer is used as is, and an
 * unsafe one stops the server at startup.
 */
@ExtendWith(OutputCaptureExtension.class)
class IssuerTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static KeymintServer.Builder database;
    private static KeymintServer server;
    private static BootstrappedOrganization acme;

    @BeforeAll
    static void start() {
        database = KeymintServer.onFreshDatabase();
        server = database.start();
        acme = server.bootstrap("acme", "*:*");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void forgedHostHeaderChangesNeitherTheMetadataNorTheTokensIssuer() throws Exception {
        String expected = "http://localhost:" + server.port();

        JsonNode metadata = JSON.readTree(body(rawHttp("GET /.well-known/oauth-authorization-server HTTP/1.1\r\n"
                + "Host: evil.example\r\nConnection: close\r\n\r\n")));
        String form = "grant_type=client_credentials";
        String credentials = Base64.getEncoder().encodeToString((acme.clientId() + ":" + acme.apiKey())
                .getBytes(StandardCharsets.UTF_8));
        JsonNode token = JSON.readTree(body(rawHttp("POST /oauth/token HTTP/1.1\r\nHost: evil.example:666\r\n"
                + "Authorization: Basic " + credentials + "\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                + "Content-Length: " + form.length() + "\r\nConnection: close\r\n\r\n" + form)));

        assertThat(metadata.get("issuer").asString()).isEqualTo(expected);
        assertThat(metadata.get("token_endpoint").asString()).isEqualTo(expected + "/oauth/token");
        assertThat(metadata.get("jwks_uri").asString()).isEqualTo(expected + "/oauth/jwks");
        String accessToken = token.get("access_token").asString();
        assertThat(SignedJWT.parse(accessToken).getJWTClaimsSet().getIssuer()).isEqualTo(expected);
        // The admin API checks iss against the same issuer, so the token works there unchanged.
        assertThat(AdminClient.withToken(server, accessToken).get("/keys").status()).isEqualTo(200);
    }

    @Test
    void tokenFetchedThrough127001VerifiesWithTheSdkConfiguredForLocalhost() {
        assertThat(server.baseUrl()).startsWith("http://127.0.0.1:");
        String token = new TokenClient(server.baseUrl() + "/oauth/token")
                .basic(acme.clientId(), acme.apiKey(), "grant_type", "client_credentials").accessToken();

        TokenVerifier verifier = TokenVerifier.forIssuer("http://localhost:" + server.port())
                .audience("keymint")
                .organization("acme")
                .build();

        assertThat(verifier.verify("Bearer " + token).clientId()).isEqualTo(acme.clientId());
    }

    @Test
    void defaultIssuerIsAnnouncedWithAWarningAtStartup(CapturedOutput output) {
        try (KeymintServer another = KeymintServer.onDatabase(database.jdbcUrl()).masterKey(database.masterKey()).start()) {
            assertThat(output.getAll()).contains("KEYMINT_ISSUER is not set")
                    .contains("http://localhost:" + another.port());
        }
    }

    @Test
    void configuredIssuerIsUsedWhateverTheHost() throws Exception {
        try (KeymintServer configured = KeymintServer.onDatabase(database.jdbcUrl()).masterKey(database.masterKey())
                .property("keymint.issuer", "https://auth.keymint.example/").start()) {
            String token = new TokenClient(configured.tokenEndpoint())
                    .basic(acme.clientId(), acme.apiKey(), "grant_type", "client_credentials").accessToken();
            JsonNode metadata = JSON.readTree(TokenClient.get(configured.baseUrl()
                    + "/.well-known/oauth-authorization-server").body());

            assertThat(metadata.get("issuer").asString()).isEqualTo("https://auth.keymint.example");
            assertThat(metadata.get("jwks_uri").asString()).isEqualTo("https://auth.keymint.example/oauth/jwks");
            assertThat(SignedJWT.parse(token).getJWTClaimsSet().getIssuer()).isEqualTo("https://auth.keymint.example");
        }
    }

    @Test
    void unsafeConfiguredIssuerStopsTheServerWithAClearMessage() {
        KeymintServer.Builder plainHttp = KeymintServer.onDatabase(database.jdbcUrl()).masterKey(database.masterKey())
                .property("keymint.issuer", "http://auth.keymint.example");

        assertThatThrownBy(plainHttp::start)
                .rootCause()
                .hasMessageContaining("KEYMINT_ISSUER")
                .hasMessageContaining("http is allowed only for localhost");
    }

    @Test
    void configuredIssuerMustBeHttpsOrLoopbackHttpWithoutQueryFragmentOrUserInfo() {
        assertThat(IssuerResolver.validated("https://auth.example.com")).isEqualTo("https://auth.example.com");
        assertThat(IssuerResolver.validated("https://auth.example.com/keymint/")).isEqualTo("https://auth.example.com/keymint");
        assertThat(IssuerResolver.validated("http://localhost:8080")).isEqualTo("http://localhost:8080");
        assertThat(IssuerResolver.validated("http://127.0.0.2:8080")).isEqualTo("http://127.0.0.2:8080");
        assertThat(IssuerResolver.validated("http://[::1]:8080")).isEqualTo("http://[::1]:8080");

        for (String unsafe : new String[] {"http://auth.example.com", "http://10.0.0.1", "http://localhost.evil.example",
                "https://auth.example.com?tenant=1", "https://auth.example.com#x", "https://user@auth.example.com",
                "ftp://auth.example.com", "auth.example.com", "/relative", "https://", "https://exa mple.com"}) {
            assertThatThrownBy(() -> IssuerResolver.validated(unsafe)).as(unsafe)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("KEYMINT_ISSUER")
                    .hasMessageEndingWith(unsafe);
        }
    }

    /** One request over a plain socket: java.net.http will not send a Host header of the caller's choosing. */
    private static String rawHttp(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            in.transferTo(response);
            return response.toString(StandardCharsets.UTF_8);
        }
    }

    /** The body of a response that is either sized or chunked in one chunk (small JSON). */
    private static String body(String response) {
        assertThat(response).startsWith("HTTP/1.1 200");
        String body = response.substring(response.indexOf("\r\n\r\n") + 4);
        if (response.toLowerCase().contains("transfer-encoding: chunked")) {
            body = body.substring(body.indexOf("\r\n") + 2, body.lastIndexOf("\r\n0\r\n"));
        }
        return body;
    }
}
