package dev.keymint.server.organizations;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keymint.server.organizations.OrganizationBootstrapper.BootstrappedOrganization;
import dev.keymint.server.testsupport.AdminClient;
import dev.keymint.server.testsupport.KeymintServer;
import dev.keymint.server.testsupport.TokenClient.Response;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** An organization's first key is created as every key is: audited, whoever created it. */
class OrganizationBootstrapTest {

    @AutoClose
    private static KeymintServer server;

    @BeforeAll
    static void start() {
        server = KeymintServer.onFreshDatabase().start();
    }

    @Test
    void firstKeyIsInTheOrganizationsAuditTrailCreatedByTheBootstrap() {
        BootstrappedOrganization acme = server.bootstrap("acme", "*:*", "*:*");

        Response audit = AdminClient.of(server, acme).get("/audit");

        assertThat(audit.status()).isEqualTo(200);
        JsonNode items = audit.json().get("items");
        assertThat(items).hasSize(1);
        assertThat(items.get(0).get("action").asString()).isEqualTo("key.create");
        assertThat(items.get(0).get("target").asString()).isEqualTo(acme.clientId());
        assertThat(items.get(0).get("actor_key_id").asString()).isEqualTo("bootstrap");
        assertThat(items.get(0).get("after").get("scopes").toString()).isEqualTo("[\"*:*\"]");
        assertThat(audit.body()).doesNotContain(acme.apiKey());
    }
}
