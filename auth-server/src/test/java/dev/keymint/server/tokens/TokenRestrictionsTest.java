package dev.keymint.server.tokens;

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
 * Allowed CIDRs and the trusted-proxy rule at {@code POST /oauth/token}, over real HTTP (the test
 * client connects from 127.0.0.1) against a real PostgreSQL.
 */
class TokenRestrictionsTest {

    private static KeymintServer server;
    private static TokenClient client;

    @BeforeAll
    static void start() {
        server = KeymintServer.onFreshDatabase()
                .property("keymint.trusted-proxies", "127.0.0.0/8, ::1/128")
                .start();
        client = new TokenClient(server.tokenEndpoint());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void tokenWhenAddressInOneOfSeveralAllowedRangesThenToken() {
        BootstrappedOrganization key = keyAllowing("inside-co", "{2001:db8::/32,127.0.0.0/8}");

        assertThat(client.basic(key.clientId(), key.apiKey(), "grant_type", "client_credentials").status()).isEqualTo(200);
    }

    @Test
    void tokenWhenAddressOutsideAllowedRangesThenInvalidClientNamingTheAddress() {
        BootstrappedOrganization key = keyAllowing("outside-co", "{10.0.0.0/8,2001:db8::/32}");

        Response response = client.basic(key.clientId(), key.apiKey(), "grant_type", "client_credentials");

        assertThat(response.status()).isEqualTo(401);
        assertThat(response.field("error")).isEqualTo("invalid_client");
        assertThat(response.field("error_description")).isEqualTo("The API key may not be used from address 127.0.0.1");
        assertThat(response.field("access_token")).isNull();
    }

    @Test
    void tokenWhenTrustedProxyForwardsAllowedAddressThenToken() {
        BootstrappedOrganization key = keyAllowing("proxied-co", "{203.0.113.0/24}");

        Response forwarded = withForwardedFor(key, "198.51.100.7, 203.0.113.9");
        Response forwardedFromElsewhere = withForwardedFor(key, "203.0.113.9, 198.51.100.7");

        assertThat(forwarded.status()).isEqualTo(200);
        assertThat(forwardedFromElsewhere.status()).isEqualTo(401);
        assertThat(forwardedFromElsewhere.field("error_description")).endsWith("198.51.100.7");
    }

    @Test
    void tokenWhenForwardedForComesFromUntrustedPeerThenHeaderIgnored() {
        try (KeymintServer noProxies = KeymintServer.onFreshDatabase().start()) {
            BootstrappedOrganization key = noProxies.bootstrap("spoof-co", "read:*");
            noProxies.jdbc().sql("update api_keys set allowed_cidrs = '{203.0.113.0/24}' where id = ?")
                    .param(key.clientId()).update();

            Response response = TokenClient.send(HttpRequest.newBuilder(URI.create(noProxies.tokenEndpoint()))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Authorization", basic(key))
                    .header("X-Forwarded-For", "203.0.113.9")
                    .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build());

            assertThat(response.status()).isEqualTo(401);
            assertThat(response.field("error_description")).endsWith("127.0.0.1");
        }
    }

    private static Response withForwardedFor(BootstrappedOrganization key, String forwardedFor) {
        return TokenClient.send(HttpRequest.newBuilder(URI.create(server.tokenEndpoint()))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", basic(key))
                .header("X-Forwarded-For", forwardedFor)
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build());
    }

    private static String basic(BootstrappedOrganization key) {
        return "Basic " + Base64.getEncoder().encodeToString((key.clientId() + ":" + key.apiKey())
                .getBytes(StandardCharsets.UTF_8));
    }

    private static BootstrappedOrganization keyAllowing(String org, String cidrArray) {
        BootstrappedOrganization key = server.bootstrap(org, "read:*");
        server.jdbc().sql("update api_keys set allowed_cidrs = cast(? as cidr[]) where id = ?")
                .param(cidrArray).param(key.clientId()).update();
        return key;
    }
}
