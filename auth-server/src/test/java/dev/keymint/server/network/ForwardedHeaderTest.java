package dev.keymint.server.network;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keymint.server.organizations.OrganizationBootstrapper.BootstrappedOrganization;
import dev.keymint.server.testsupport.KeymintServer;
import dev.keymint.server.testsupport.TokenClient;
import dev.keymint.server.testsupport.TokenClient.Response;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * RFC 7239 {@code Forwarded} at {@code POST /oauth/token}, as the resource SDK sends it when it
 * exchanges an API key for its caller: believed from a trusted proxy (here 127.0.0.1, where the
 * test connects from), its caller checked against the key's allowed CIDRs; {@code for=unknown} and
 * obfuscated identifiers leave the caller unknown, and a key with CIDRs is then refused.
 */
class ForwardedHeaderTest {

    private static final String UNKNOWN = "The API key has allowed CIDRs and the caller's address is unknown:"
            + " the request was relayed by a proxy that is not trusted";

    private static KeymintServer server;
    private static BootstrappedOrganization key;

    @BeforeAll
    static void start() {
        server = KeymintServer.onFreshDatabase().property("keymint.trusted-proxies", "127.0.0.0/8, ::1/128").start();
        key = server.bootstrap("forwarded-co", "read:*");
        server.jdbc().sql("update api_keys set allowed_cidrs = '{203.0.113.0/24,2001:db8::/32}' where id = ?")
                .param(key.clientId()).update();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void tokenWhenTrustedProxyForwardsACallerInsideTheRangesThenToken() {
        assertThat(token("for=203.0.113.9", null).status()).isEqualTo(200);
        assertThat(token("for=\"203.0.113.9:4711\"", null).status()).isEqualTo(200);
        assertThat(token("For=\"[2001:db8::5]:4711\";proto=https", null).status()).isEqualTo(200);
        assertThat(token("for=203.0.113.9, for=127.0.0.1", null).status()).as("a trusted hop is skipped").isEqualTo(200);
    }

    @Test
    void tokenWhenTrustedProxyForwardsACallerOutsideThenInvalidClientNamingTheCaller() {
        Response response = token("for=203.0.113.9;by=10.0.0.1, for=198.51.100.7", null);

        assertThat(response.status()).isEqualTo(401);
        assertThat(response.field("error")).isEqualTo("invalid_client");
        assertThat(response.field("error_description")).isEqualTo("The API key may not be used from address 198.51.100.7");
    }

    @Test
    void tokenWhenForwardedAndXForwardedForDisagreeThenForwardedDecides() {
        assertThat(token("for=198.51.100.7", "203.0.113.9").status()).isEqualTo(401);
        assertThat(token("for=203.0.113.9", "198.51.100.7").status()).isEqualTo(200);
    }

    @Test
    void tokenWhenCallerIsUnknownOrObfuscatedThenKeyWithCidrsIsRefused() {
        for (String forwarded : new String[] {"for=unknown", "for=_hidden", "proto=https", "for=\"[2001:db8::5\""}) {
            Response response = token(forwarded, null);

            assertThat(response.status()).as(forwarded).isEqualTo(401);
            assertThat(response.field("error_description")).as(forwarded).isEqualTo(UNKNOWN);
        }
    }

    private static Response token(String forwarded, String xForwardedFor) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.tokenEndpoint()))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((key.clientId() + ":" + key.apiKey())
                        .getBytes(StandardCharsets.UTF_8)))
                .header("Forwarded", forwarded);
        if (xForwardedFor != null) {
            request.header("X-Forwarded-For", xForwardedFor);
        }
        return TokenClient.send(request.POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build());
    }
}
