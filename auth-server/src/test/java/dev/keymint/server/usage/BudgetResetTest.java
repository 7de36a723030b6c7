package dev.keymint.server.usage;

import static dev.keymint.server.usage.UsageReportsTest.entry;
import static dev.keymint.server.usage.UsageReportsTest.report;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keymint.server.testsupport.AdminClient;
import dev.keymint.server.testsupport.KeymintServer;
import dev.keymint.server.testsupport.SettableClock;
import dev.keymint.server.testsupport.TokenClient;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A spent budget lifts itself when its period ends: the server's clock is moved to the next UTC
 * day (no waiting), and the key gets tokens again without anything being written at the reset;
 * the new day's budget is then counted from zero.
 */
class BudgetResetTest {

    @Test
    void aKeyOverItsDailyBudgetGetsTokensAgainTheNextDayWithoutAWrite() {
        SettableClock clock = new SettableClock();
        try (KeymintServer server = KeymintServer.onFreshDatabase().clock(clock).start()) {
            var adminKey = server.bootstrap("acme", "*:*");
            AdminClient admin = AdminClient.of(server, adminKey);
            JsonNode key = admin.post("/keys", "{\"name\": \"daily\", \"scopes\": [\"read:x/**\"],"
                    + " \"request_budget\": {\"limit\": 10, \"period\": \"day\"}}").json();
            String id = key.get("id").asString();
            String apiKey = key.get("api_key").asString();
            TokenClient tokens = new TokenClient(server.tokenEndpoint());
            admin.post("/usage-reports", report(UUID.randomUUID().toString(), entry(id, 10, 0, 0, 0, null)));
            assertThat(tokens.basic(id, apiKey, "grant_type", "client_credentials").status()).isEqualTo(429);
            Object until = server.row("select over_budget_until from api_keys where id = ?", id).get("over_budget_until");

            Instant nextDay = LocalDate.now(ZoneOffset.UTC).plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
            clock.jumpTo(nextDay.plusSeconds(60));
            admin = AdminClient.of(server, adminKey); // the token taken yesterday has expired on the server's clock

            assertThat(tokens.basic(id, apiKey, "grant_type", "client_credentials").status()).isEqualTo(200);
            assertThat(admin.get("/keys/" + id).json().get("over_budget").asBoolean()).isFalse();
            assertThat(server.row("select over_budget_until from api_keys where id = ?", id).get("over_budget_until"))
                    .isEqualTo(until);
            admin.post("/usage-reports", report(UUID.randomUUID().toString(), entry(id, 9, 0, 0, 0, null)));
            assertThat(tokens.basic(id, apiKey, "grant_type", "client_credentials").status()).isEqualTo(200);
            admin.post("/usage-reports", report(UUID.randomUUID().toString(), entry(id, 1, 0, 0, 0, null)));
            var refused = tokens.basic(id, apiKey, "grant_type", "client_credentials");
            assertThat(refused.status()).isEqualTo(429);
            assertThat(Instant.parse(admin.get("/keys/" + id).json().get("over_budget_until").asString()))
                    .isEqualTo(nextDay.plusSeconds(86_400));
        }
    }
}
