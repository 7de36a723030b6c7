package dev.keymint.server.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keymint.server.status.StatusListTest.StatusClaim;
import dev.keymint.server.testsupport.AdminClient;
import dev.keymint.server.testsupport.KeymintServer;
import dev.keymint.server.testsupport.SettableClock;
import dev.keymint.server.testsupport.TokenClient;
import java.net.URI;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A key whose reported usage spends its budget is SUSPENDED in both instances' status lists when
 * the report is answered (the change rides on the key change feed), and VALID again once the
 * budget's period has ended, with nothing written at the reset.
 */
class BudgetStatusListTest {

    private static final int VALID = 0;
    private static final int SUSPENDED = 2;
    /** One issuer for both instances, as in production: the lists' uri names it. */
    private static final String ISSUER = "https://auth.budget.test";

    @Test
    void aSpentBudgetSuspendsTheKeyInEveryListUntilItsPeriodEnds() throws Exception {
        SettableClock clock = new SettableClock();
        KeymintServer.Builder builder = KeymintServer.onFreshDatabase().clock(clock).property("keymint.issuer", ISSUER);
        try (KeymintServer first = builder.start();
             KeymintServer second = builder.start()) {
            AdminClient admin = AdminClient.of(first, first.bootstrap("acme", "*:*"));
            JsonNode key = admin.post("/keys", "{\"name\": \"budgeted\", \"scopes\": [\"read:x/**\"],"
                    + " \"request_budget\": {\"limit\": 10, \"period\": \"day\"}}").json();
            String id = key.get("id").asString();
            String apiKey = key.get("api_key").asString();
            String token = new TokenClient(first.tokenEndpoint()).basic(id, apiKey, "grant_type", "client_credentials")
                    .accessToken();
            StatusClaim claim = StatusClaim.of(token);
            assertThat(statusOnBoth(first, second, claim)).containsExactly(VALID, VALID);

            admin.post("/usage-reports", "{\"batch_id\": \"" + UUID.randomUUID() + "\", \"keys\": [{\"client_id\": \""
                    + id + "\", \"allowed\": 10}]}");

            assertThat(statusOnBoth(first, second, claim)).containsExactly(SUSPENDED, SUSPENDED);

            clock.jumpTo(LocalDate.now(ZoneOffset.UTC).plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().plusSeconds(5));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!statusOnBoth(first, second, claim).equals(List.of(VALID, VALID))) {
                assertThat(System.nanoTime()).as("VALID again on both instances").isLessThan(deadline);
                Thread.sleep(200);
            }
            assertThat(first.row("select count(*) as n from audit_events where target = ?", id).get("n"))
                    .as("only the creation was written").isEqualTo(1L);
        }
    }

    private static List<Integer> statusOnBoth(KeymintServer first, KeymintServer second, StatusClaim claim) {
        String path = URI.create(claim.uri()).getPath();
        return List.of(FetchedStatusList.fetch(first.baseUrl(), first.baseUrl() + path, claim.uri()).status(claim.idx()),
                FetchedStatusList.fetch(second.baseUrl(), second.baseUrl() + path, claim.uri()).status(claim.idx()));
    }
}
