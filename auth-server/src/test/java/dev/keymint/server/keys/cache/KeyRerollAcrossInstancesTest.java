package dev.keymint.server.keys.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keymint.server.organizations.OrganizationBootstrapper.BootstrappedOrganization;
import dev.keymint.server.testsupport.AdminClient;
import dev.keymint.server.testsupport.KeymintServer;
import dev.keymint.server.testsupport.SettableClock;
import dev.keymint.server.testsupport.TokenClient;
import dev.keymint.server.testsupport.TokenClient.Response;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A reroll is a key write like any other: when it returns, every instance's token path — answering
 * from the row it holds in memory — takes the new secret, takes the old one until the grace period
 * ends (the shared clock is moved past it, no waiting), and then refuses it as replaced.
 */
class KeyRerollAcrossInstancesTest {

    private static final SettableClock clock = new SettableClock();
    private static KeymintServer first;
    private static KeymintServer second;
    private static AdminClient admin;

    @BeforeAll
    static void start() {
        KeymintServer.Builder builder = KeymintServer.onFreshDatabase().clock(clock);
        first = builder.start();
        second = builder.start();
        BootstrappedOrganization owner = first.bootstrap("reroll-co", "*:*");
        admin = AdminClient.of(first, owner);
    }

    @AfterAll
    static void stop() {
        second.close();
        first.close();
    }

    @Test
    void rerollWhenSecondInstanceHoldsTheKeyThenNewSecretAtOnceOldUntilGraceEndsThenReplaced() {
        Response created = admin.post("/keys", "{\"name\": \"svc\", \"scopes\": [\"read:x\"]}");
        String id = created.field("id");
        String oldKey = created.field("api_key");
        TokenClient onFirst = new TokenClient(first.tokenEndpoint());
        TokenClient onSecond = new TokenClient(second.tokenEndpoint());
        for (TokenClient tokens : new TokenClient[] {onFirst, onSecond}) {
            assertThat(token(tokens, id, oldKey).status()).isEqualTo(200);
        }
        assertThat(second.bean(ApiKeyCache.class).remembers(id)).as("held in memory before the reroll").isTrue();

        Response rerolled = admin.post("/keys/" + id + "/reroll", "{\"grace_period_seconds\": 60}");

        assertThat(rerolled.status()).as(rerolled.body()).isEqualTo(200);
        String newKey = rerolled.field("api_key");
        assertThat(newKey).startsWith("kmk_" + id + "_").isNotEqualTo(oldKey);
        for (TokenClient tokens : new TokenClient[] {onFirst, onSecond}) {
            assertThat(token(tokens, id, newKey).status()).as("new secret, the very next request").isEqualTo(200);
            assertThat(token(tokens, id, oldKey).status()).as("old secret within the grace period").isEqualTo(200);
        }
        assertThat(second.bean(ApiKeyCache.class).remembers(id)).as("answered from memory").isTrue();

        clock.jumpTo(Instant.now().plus(Duration.ofMinutes(2)));

        for (TokenClient tokens : new TokenClient[] {onFirst, onSecond}) {
            Response refused = token(tokens, id, oldKey);
            assertThat(refused.status()).isEqualTo(401);
            assertThat(refused.field("error")).isEqualTo("invalid_client");
            assertThat(refused.field("error_description"))
                    .isEqualTo("The API key's secret was replaced; use the new API key");
            assertThat(token(tokens, id, newKey).status()).isEqualTo(200);
        }
    }

    private static Response token(TokenClient tokens, String id, String apiKey) {
        return tokens.basic(id, apiKey, "grant_type", "client_credentials");
    }
}
