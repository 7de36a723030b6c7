package dev.keymint.server.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keymint.server.organizations.OrganizationBootstrapper.BootstrappedOrganization;
import dev.keymint.server.testsupport.KeymintServer;
import dev.keymint.server.testsupport.TokenClient;
import dev.keymint.server.testsupport.TokenClient.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Rate limits and quotas hold across two instances sharing one PostgreSQL database, within the
 * documented tolerance (counts reach the other instance one sync interval later; here 200 ms,
 * and the test waits for a sync before switching instance, so the tolerance is zero).
 */
class KeyLimitsAcrossInstancesTest {

    private static final String SYNC = "200ms";
    private static KeymintServer first;
    private static KeymintServer second;

    @BeforeAll
    static void start() {
        KeymintServer.Builder builder = KeymintServer.onFreshDatabase().property("keymint.limits.sync-interval", SYNC);
        first = builder.start();
        second = builder.start();
    }

    @AfterAll
    static void stop() {
        second.close();
        first.close();
    }

    @Test
    void tokenWhenRateLimitReachedAcrossTwoInstancesThen429WithRetryAfter() throws Exception {
        BootstrappedOrganization key = first.bootstrap("rate-co", "read:*");
        first.jdbc().sql("update api_keys set rate_limit_per_minute = 10 where id = ?").param(key.clientId()).update();

        int admittedByFirst = exchange(first, key, 6);
        Thread.sleep(2000); // several sync intervals (500 ms) on both instances, with room for a busy machine
        int admittedBySecond = exchange(second, key, 10);
        Response refused = new TokenClient(second.tokenEndpoint())
                .basic(key.clientId(), key.apiKey(), "grant_type", "client_credentials");
        Thread.sleep(2000);
        Response refusedOnFirst = new TokenClient(first.tokenEndpoint())
                .basic(key.clientId(), key.apiKey(), "grant_type", "client_credentials");

        assertThat(admittedByFirst).isEqualTo(6);
        assertThat(admittedBySecond).isEqualTo(4);
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.field("error")).isEqualTo("rate_limited");
        assertThat(refused.field("error_description")).contains("10 token requests per minute");
        assertThat(Integer.parseInt(refused.header("Retry-After"))).isBetween(1, 60);
        assertThat(refused.header("Cache-Control")).contains("no-store");
        assertThat(refusedOnFirst.status()).isEqualTo(429);
    }

    @Test
    void tokenWhenQuotaUsedAcrossTwoInstancesThen429QuotaExceededUntilThePeriodEnds() throws Exception {
        BootstrappedOrganization key = first.bootstrap("quota-co", "read:*");
        first.jdbc().sql("update api_keys set quota_limit = 5, quota_period = 'day' where id = ?")
                .param(key.clientId()).update();

        int admittedByFirst = exchange(first, key, 3);
        Thread.sleep(2000);
        int admittedBySecond = exchange(second, key, 5);
        Response refused = new TokenClient(second.tokenEndpoint())
                .basic(key.clientId(), key.apiKey(), "grant_type", "client_credentials");

        assertThat(admittedByFirst).isEqualTo(3);
        assertThat(admittedBySecond).isEqualTo(2);
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.field("error")).isEqualTo("quota_exceeded");
        assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, 86_400L);
    }

    @Test
    void tokenWhenKeyHasNoLimitThenNeverCountedOrRefused() {
        BootstrappedOrganization key = first.bootstrap("unlimited-co", "read:*");

        assertThat(exchange(first, key, 30)).isEqualTo(30);
        assertThat(first.jdbc().sql("select count(*) from limit_counters where key_id = ?").param(key.clientId())
                .query(Long.class).single()).isZero();
    }

    private static int exchange(KeymintServer server, BootstrappedOrganization key, int times) {
        TokenClient client = new TokenClient(server.tokenEndpoint());
        int admitted = 0;
        for (int i = 0; i < times; i++) {
            Response response = client.basic(key.clientId(), key.apiKey(), "grant_type", "client_credentials");
            if (response.status() == 200) {
                admitted++;
            } else {
                assertThat(response.status()).isEqualTo(429);
            }
        }
        return admitted;
    }
}
