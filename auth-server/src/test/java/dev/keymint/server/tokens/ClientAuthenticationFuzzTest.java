package dev.keymint.server.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.keymint.server.organizations.OrganizationBootstrapper.BootstrappedOrganization;
import dev.keymint.server.testsupport.KeymintServer;
import dev.keymint.server.testsupport.TokenClient;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import tools.jackson.databind.JsonNode;

/**
 * Fuzz test of client authentication on the token endpoint over real HTTP: the HTTP Basic header
 * and the form's client_id/client_secret as Spring Security decodes them, then Keymint's API key
 * check and error responses. Whatever the request, the answer is a token only for the real key,
 * and otherwise OAuth error JSON with 400 or 401 (401 with {@code WWW-Authenticate}), never a 5xx.
 */
class ClientAuthenticationFuzzTest {

    private static final Set<String> OAUTH_ERRORS = Set.of("invalid_request", "invalid_client", "invalid_grant",
            "unauthorized_client", "unsupported_grant_type", "invalid_scope");

    private static KeymintServer server;
    private static BootstrappedOrganization key;
    private static TokenClient tokens;

    @BeforeAll
    static void start() {
        server = KeymintServer.onFreshDatabase().start();
        key = server.bootstrap("fuzz-co", "read:projects/**");
        tokens = new TokenClient(server.tokenEndpoint());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /**
     * Input: the first line is the Authorization header (empty for none); every further line is
     * one form parameter {@code name=value}, form-url-encoded here. {@code {id}}, {@code {key}} and
     * {@code {basic}} stand for the real client id, API key and base64 of {@code id:key}, so that
     * the fuzzer also mutates around credentials that work.
     */
    @FuzzTest(maxDuration = "5m")
    void tokenOnlyForTheRealKeyElseOAuthError(byte[] input) {
        String[] lines = new String(input, StandardCharsets.UTF_8).split("\n", -1);
        String authorization = expand(lines[0]);
        List<String[]> params = new ArrayList<>();
        StringBuilder form = new StringBuilder();
        for (int i = 1; i < lines.length; i++) {
            int equals = lines[i].indexOf('=');
            String name = expand(equals < 0 ? lines[i] : lines[i].substring(0, equals));
            String value = equals < 0 ? "" : expand(lines[i].substring(equals + 1));
            params.add(new String[] {name, value});
            form.append(form.isEmpty() ? "" : "&").append(encode(name)).append('=').append(encode(value));
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.tokenEndpoint()))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form.toString()));
        if (!authorization.isEmpty()) {
            try {
                request.header("Authorization", authorization);
            } catch (IllegalArgumentException notSendable) {
                return; // a character no HTTP client can put in a header
            }
        }
        TokenClient.Response response = TokenClient.send(request.build());

        assertThat(response.header("Content-Type")).startsWith("application/json");
        assertThat(response.header("Cache-Control")).isEqualTo("no-store");
        if (response.status() == 200) {
            assertThat(presentsTheRealKey(authorization, params)).as("a token without the API key: %s", response.body())
                    .isTrue();
            assertThat(response.field("access_token")).isNotBlank();
            return;
        }
        assertThat(response.status()).as(response.body()).isIn(400, 401);
        JsonNode error = response.json();
        assertThat(error.get("error").asString()).isIn(OAUTH_ERRORS);
        if (error.has("error_description")) {
            assertThat(error.get("error_description").asString()).matches("[\\x20-\\x21\\x23-\\x5b\\x5d-\\x7e]*");
        }
        if (response.status() == 401) {
            assertThat(response.header("WWW-Authenticate")).startsWith("Basic ");
        }
    }

    private static String expand(String text) {
        String credentials = key.clientId() + ":" + key.apiKey();
        return text.replace("{id}", key.clientId()).replace("{key}", key.apiKey())
                .replace("{basic}", Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
    }

    /** Whether the key travels in the form, or (form-url-encoded, RFC 6749 §2.3.1) in a base64 header credential. */
    private static boolean presentsTheRealKey(String authorization, List<String[]> params) {
        for (String[] param : params) {
            if (param[0].equals("client_secret") && param[1].equals(key.apiKey())) {
                return true;
            }
        }
        int space = authorization.indexOf(' ');
        try {
            String decoded = new String(Base64.getDecoder().decode(authorization.substring(space + 1).strip()),
                    StandardCharsets.UTF_8);
            return URLDecoder.decode(decoded.substring(decoded.indexOf(':') + 1), StandardCharsets.UTF_8)
                    .equals(key.apiKey());
        } catch (IllegalArgumentException notBase64OrNotUrlEncoded) {
            return false;
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
