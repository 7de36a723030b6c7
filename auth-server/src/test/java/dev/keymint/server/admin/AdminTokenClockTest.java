package dev.keymint.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keymint.server.organizations.OrganizationBootstrapper.BootstrappedOrganization;
import dev.keymint.server.testsupport.AdminClient;
import dev.keymint.server.testsupport.KeymintServer;
import dev.keymint.server.testsupport.SettableClock;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The admin API judges its own tokens' {@code exp} by the clock that stamped them (the application's
 * {@code Clock}), not by another: once that clock has passed a token's {@code exp} the token is refused,
 * and a token taken then is accepted.
 */
class AdminTokenClockTest {

    @Test
    void anAdminTokenIsRefusedOnceTheServersClockHasPassedItsExpiry() {
        SettableClock clock = new SettableClock();
        try (KeymintServer server = KeymintServer.onFreshDatabase().clock(clock).start()) {
            BootstrappedOrganization key = server.bootstrap("acme", "*:*");
            AdminClient before = AdminClient.of(server, key);
            assertThat(before.get("/keys").status()).isEqualTo(200);

            clock.jumpTo(Instant.now().plusSeconds(11 * 60)); // tokens live 10 minutes

            var refused = before.get("/keys");
            assertThat(refused.status()).isEqualTo(401);
            assertThat(refused.header("WWW-Authenticate")).contains("invalid_token");
            assertThat(AdminClient.of(server, key).get("/keys").status()).isEqualTo(200);
        }
    }
}
