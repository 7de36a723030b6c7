package dev.keymint.server.usage;

import static dev.keymint.server.usage.UsageReportsTest.entry;
import static dev.keymint.server.usage.UsageReportsTest.report;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keymint.server.keys.cache.ApiKeyCache;
import dev.keymint.server.testsupport.AdminClient;
import dev.keymint.server.testsupport.KeymintServer;
import dev.keymint.server.testsupport.TokenClient;
import dev.keymint.server.testsupport.TokenClient.Response;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A report takes its keys' rows from the instance's memory, and that memory never outlives a
 * change made through another instance: a key moved out of the reporter's team is ignored by the
 * very next report.
 */
class ReportedKeysAcrossInstancesTest {

    @Test
    void aKeyMovedToAnotherTeamThroughOneInstanceIsIgnoredByTheNextReportToTheOther() {
        KeymintServer.Builder builder = KeymintServer.onFreshDatabase();
        try (KeymintServer first = builder.start();
             KeymintServer second = builder.start()) {
            AdminClient admin = AdminClient.of(first, first.bootstrap("acme", "*:*"));
            JsonNode reporterKey = admin.post("/keys", "{\"name\": \"team a's API\", \"team\": \"a\","
                    + " \"scopes\": [\"admin:usage-reports/**\"]}").json();
            String id = admin.post("/keys", "{\"name\": \"caller\", \"team\": \"a\", \"scopes\": [\"read:x/**\"]}")
                    .json().get("id").asString();
            AdminClient reporterOnSecond = AdminClient.withToken(second, new TokenClient(second.tokenEndpoint())
                    .basic(reporterKey.get("id").asString(), reporterKey.get("api_key").asString(),
                            "grant_type", "client_credentials").accessToken());
            awaitAnsweringFromMemory(second);
            Response before = reporterOnSecond.post("/usage-reports", report(UUID.randomUUID().toString(),
                    entry(id, 5, 0, 0, 0, null)));
            assertThat(before.json().get("accepted").asInt()).isEqualTo(1);

            assertThat(admin.patch("/keys/" + id, "{\"team\": \"b\"}").status()).isEqualTo(200);
            Response after = reporterOnSecond.post("/usage-reports", report(UUID.randomUUID().toString(),
                    entry(id, 7, 0, 0, 0, null)));

            assertThat(after.status()).isEqualTo(200);
            assertThat(after.json().get("accepted").asInt()).isZero();
            assertThat(after.json().get("ignored").asInt()).isEqualTo(1);
            assertThat(admin.get("/usage/keys/" + id).json().get("api_totals").get("allowed").asLong()).isEqualTo(5);
        }
    }

    /** So that the first report's lookup keeps the row in memory, which the change must then reach. */
    private static void awaitAnsweringFromMemory(KeymintServer server) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!server.bean(ApiKeyCache.class).answeringFromMemory()) {
            assertThat(System.nanoTime() - deadline).as("key cache answering within 10 s").isNegative();
            LockSupport.parkNanos(20_000_000);
        }
    }
}
