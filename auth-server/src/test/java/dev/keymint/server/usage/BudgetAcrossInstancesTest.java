package dev.keymint.server.usage;

import static dev.keymint.server.usage.UsageReportsTest.entry;
import static dev.keymint.server.usage.UsageReportsTest.report;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keymint.server.testsupport.AdminClient;
import dev.keymint.server.testsupport.KeymintServer;
import dev.keymint.server.testsupport.TokenClient;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A report that spends a key's budget on one instance refuses the key on another at once: the
 * over-budget state rides on the key change feed, and the report is answered only once every
 * instance has it in memory.
 */
class BudgetAcrossInstancesTest {

    @Test
    void aBudgetSpentThroughOneInstanceRefusesTokensOnTheOtherWhenTheReportIsAnswered() {
        KeymintServer.Builder builder = KeymintServer.onFreshDatabase();
        try (KeymintServer first = builder.start();
             KeymintServer second = builder.start()) {
            AdminClient admin = AdminClient.of(first, first.bootstrap("acme", "*:*"));
            JsonNode key = admin.post("/keys", "{\"name\": \"shared budget\", \"scopes\": [\"read:x/**\"],"
                    + " \"request_budget\": {\"limit\": 1000, \"period\": \"month\"}}").json();
            String id = key.get("id").asString();
            String apiKey = key.get("api_key").asString();
            TokenClient onSecond = new TokenClient(second.tokenEndpoint());
            assertThat(onSecond.basic(id, apiKey, "grant_type", "client_credentials").status()).isEqualTo(200);

            assertThat(admin.post("/usage-reports", report(UUID.randomUUID().toString(), entry(id, 1000, 0, 0, 0, null)))
                    .status()).isEqualTo(200);

            var refused = onSecond.basic(id, apiKey, "grant_type", "client_credentials");
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.field("error")).isEqualTo("quota_exceeded");
        }
    }
}
