package dev.keymint.server.tokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.keymint.server.organizations.OrganizationBootstrapper.BootstrappedOrganization;
import dev.keymint.server.testsupport.AdminClient;
import dev.keymint.server.testsupport.KeymintServer;
import dev.keymint.server.testsupport.SettableClock;
import dev.keymint.server.testsupport.TokenClient;
import dev.keymint.server.testsupport.TokenClient.Response;
import dev.keymint.server.usage.UsageRecorder;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, item 5: {@code keymint.tokens.reuse-window} over real HTTP against a real PostgreSQL. A
 * repeated request gets the token just issued, with what is left of its lifetime, until the window
 * ends, the request differs, the key changes or the signing key does; limits and usage still count
 * every request.
 */
class TokenReuseTest {

    private static final String BILLING = "https://billing.example.com/api";
    private static final String REPORTS = "https://reports.example.com";
    private static final SettableClock clock = new SettableClock();

    @AutoClose
    private static KeymintServer server;
    private static TokenClient tokens;
    private static BootstrappedOrganization acme;
    private static BootstrappedOrganization operator;

    /**
     * The window is short enough that the clock's jumps in these tests (16 s in all) stay within the
     * 30 s of skew the admin API allows the tokens it checks, which it checks on the real time.
     */
    @BeforeAll
    static void start() {
        server = KeymintServer.onFreshDatabase()
                .clock(clock)
                .property("keymint.tokens.reuse-window", "10s")
                .property("keymint.operator-org", "operator")
                .property("keymint.usage.flush-interval", "1h")
                .start();
        tokens = new TokenClient(server.tokenEndpoint());
        acme = server.bootstrap("acme", "*:*");
        operator = server.bootstrap("operator", "admin:signing-keys/**");
    }

    @Test
    void repeatedRequestWithinWindowThenSameTokenWithWhatIsLeftOfItsLifetime() throws Exception {
        Key key = create("{\"name\": \"repeat\", \"scopes\": [\"read:x/**\"]}");
        Response first = key.token();
        clock.jumpTo(clock.instant().plusSeconds(5));

        Instant before = clock.instant();
        Response second = key.token();
        Instant after = clock.instant();

        assertThat(second.accessToken()).isEqualTo(first.accessToken());
        assertThat(expiresIn(first)).isEqualTo(600);
        long exp = claims(second).getExpirationTime().toInstant().getEpochSecond();
        assertThat(expiresIn(second)).isBetween(exp - after.getEpochSecond(), exp - before.getEpochSecond())
                .isLessThanOrEqualTo(595);
        assertThat(second.field("scope")).isEqualTo("read:x/**");
    }

    @Test
    void repeatedRequestAfterWindowThenNewToken() throws Exception {
        Key key = create("{\"name\": \"window\", \"scopes\": [\"read:x/**\"]}");
        Response first = key.token();
        clock.jumpTo(clock.instant().plusSeconds(11));

        Response second = key.token();

        assertThat(claims(second).getJWTID()).isNotEqualTo(claims(first).getJWTID());
        assertThat(expiresIn(second)).isEqualTo(600);
    }

    @Test
    void requestForOtherScopesOrAudienceThenItsOwnToken() throws Exception {
        Key key = create("{\"name\": \"shapes\", \"scopes\": [\"read:x/**\", \"write:x/**\"], "
                + "\"audiences\": [\"" + BILLING + "\", \"" + REPORTS + "\"]}");

        Response all = key.token();
        Response read = key.token("scope", "read:x/**");
        Response reports = key.token("resource", REPORTS);

        assertThat(key.token().accessToken()).isEqualTo(all.accessToken());
        assertThat(key.token("scope", "read:x/**").accessToken()).isEqualTo(read.accessToken());
        assertThat(key.token("resource", REPORTS).accessToken()).isEqualTo(reports.accessToken());
        assertThat(claims(all).getJWTID()).isNotEqualTo(claims(read).getJWTID()).isNotEqualTo(claims(reports).getJWTID());
        assertThat(claims(all).getClaim("scope")).isEqualTo("read:x/** write:x/**");
        assertThat(claims(all).getAudience()).containsExactly(BILLING);
        assertThat(claims(read).getClaim("scope")).isEqualTo("read:x/**");
        assertThat(claims(reports).getAudience()).containsExactly(REPORTS);
    }

    @Test
    void keyDisabledThenRefusedAndEnabledAgainThenNewToken() {
        Key key = create("{\"name\": \"disable\", \"scopes\": [\"read:x/**\"]}");
        Response before = key.token();

        admin().post("/keys/" + key.id + "/disable", null);
        Response disabled = key.token();
        admin().post("/keys/" + key.id + "/enable", null);
        Response enabled = key.token();

        assertThat(disabled.status()).isEqualTo(401);
        assertThat(disabled.field("error_description")).isEqualTo("The API key is disabled");
        assertThat(enabled.accessToken()).isNotEqualTo(before.accessToken());
    }

    @Test
    void keyRevokedThenRefused() {
        Key key = create("{\"name\": \"revoke\", \"scopes\": [\"read:x/**\"]}");
        key.token().accessToken();

        admin().post("/keys/" + key.id + "/revoke", null);
        Response revoked = key.token();

        assertThat(revoked.status()).isEqualTo(401);
        assertThat(revoked.field("error_description")).isEqualTo("The API key is revoked");
    }

    @Test
    void keyDeletedThenRefused() {
        Key key = create("{\"name\": \"delete\", \"scopes\": [\"read:x/**\"]}");
        key.token().accessToken();

        assertThat(admin().delete("/keys/" + key.id + "?confirm=true").status()).isEqualTo(204);
        Response deleted = key.token();

        assertThat(deleted.status()).isEqualTo(401);
        assertThat(deleted.field("error")).isEqualTo("invalid_client");
    }

    @Test
    void keyRerolledThenNewTokenForTheOldSecretInItsGraceAndRefusedAfterIt() {
        Key key = create("{\"name\": \"reroll\", \"scopes\": [\"read:x/**\"]}");
        Response before = key.token();

        Response rerolled = admin().post("/keys/" + key.id + "/reroll", "{\"grace_period_seconds\": 600}");
        Response oldSecretInGrace = key.token();
        admin().post("/keys/" + key.id + "/reroll", "{\"grace_period_seconds\": 0}");
        Response oldSecretAfterGrace = key.token();

        assertThat(rerolled.status()).isEqualTo(200);
        assertThat(oldSecretInGrace.accessToken()).isNotEqualTo(before.accessToken());
        assertThat(oldSecretAfterGrace.status()).isEqualTo(401);
    }

    @Test
    void keyScopesEditedThenNewTokenWithTheNewScopes() throws Exception {
        Key key = create("{\"name\": \"narrowed\", \"scopes\": [\"read:x/**\", \"write:x/**\"]}");
        Response allBefore = key.token();
        Response readBefore = key.token("scope", "read:x/**");

        admin().patch("/keys/" + key.id, "{\"scopes\": [\"read:x/**\"]}");
        Response allAfter = key.token();
        Response readAfter = key.token("scope", "read:x/**");

        assertThat(allAfter.accessToken()).isNotEqualTo(allBefore.accessToken());
        assertThat(claims(allAfter).getClaim("scope")).isEqualTo("read:x/**");
        assertThat(readAfter.accessToken()).isNotEqualTo(readBefore.accessToken());
    }

    @Test
    void keyEditedInAnythingThenNewToken() {
        Key key = create("{\"name\": \"renamed\", \"scopes\": [\"read:x/**\"]}");
        Response before = key.token();

        admin().patch("/keys/" + key.id, "{\"name\": \"renamed again\"}");

        assertThat(key.token().accessToken()).isNotEqualTo(before.accessToken());
    }

    @Test
    void signingKeyReplacedThenNewTokenSignedByTheNewKey() throws Exception {
        Key key = create("{\"name\": \"rotation\", \"scopes\": [\"read:x/**\"]}");
        Response before = key.token();

        Response rotated = AdminClient.of(server, operator).post("/signing-keys/rotate?emergency=true", "");
        Response after = key.token();

        assertThat(rotated.status()).isEqualTo(200);
        assertThat(after.accessToken()).isNotEqualTo(before.accessToken());
        assertThat(SignedJWT.parse(after.accessToken()).getHeader().getKeyID())
                .isNotEqualTo(SignedJWT.parse(before.accessToken()).getHeader().getKeyID());
    }

    @Test
    void repeatedRequestsStillCountAgainstTheRateLimit() {
        Key key = create("{\"name\": \"rate\", \"scopes\": [\"read:x/**\"], \"rate_limit_per_minute\": 2}");

        Response first = key.token();
        Response second = key.token();
        Response third = key.token();

        assertThat(second.accessToken()).isEqualTo(first.accessToken());
        assertThat(third.status()).isEqualTo(429);
        assertThat(third.field("error")).isEqualTo("rate_limited");
    }

    @Test
    void repeatedRequestsStillCountAgainstTheQuota() {
        Key key = create("{\"name\": \"quota\", \"scopes\": [\"read:x/**\"], \"quota\": {\"limit\": 2, \"period\": \"day\"}}");

        Response first = key.token();
        Response second = key.token();
        Response third = key.token();

        assertThat(second.accessToken()).isEqualTo(first.accessToken());
        assertThat(third.status()).isEqualTo(429);
        assertThat(third.field("error")).isEqualTo("quota_exceeded");
    }

    @Test
    void repeatedAnswersCountAsIssuedInUsageAndAsReusedInMetrics() {
        Key key = create("{\"name\": \"counted\", \"scopes\": [\"read:x/**\"]}");
        double issuedBefore = metric("keymint_tokens_issued_total");
        double reusedBefore = metric("keymint_tokens_reused_total");

        for (int i = 0; i < 3; i++) {
            key.token().accessToken();
        }
        server.bean(UsageRecorder.class).flush();

        assertThat(server.jdbc().sql("select sum(count) from usage_hourly where key_id = ? and outcome = 'issued'")
                .param(key.id).query(Long.class).single()).isEqualTo(3);
        assertThat(metric("keymint_tokens_issued_total") - issuedBefore).isEqualTo(3);
        assertThat(metric("keymint_tokens_reused_total") - reusedBefore).isEqualTo(2);
    }

    @Test
    void windowOffByDefaultThenEveryRequestGetsItsOwnToken() throws Exception {
        try (KeymintServer plain = KeymintServer.onFreshDatabase().start()) {
            BootstrappedOrganization key = plain.bootstrap("plain-co", "read:x/**");
            TokenClient client = new TokenClient(plain.tokenEndpoint());

            Response first = client.basic(key.clientId(), key.apiKey(), "grant_type", "client_credentials");
            Response second = client.basic(key.clientId(), key.apiKey(), "grant_type", "client_credentials");

            assertThat(claims(second).getJWTID()).isNotEqualTo(claims(first).getJWTID());
        }
    }

    @Test
    void windowMustBeOffOrBetweenOneSecondAndATenthOfTheTtl() {
        TokenProperties.Concurrency concurrency = new TokenProperties.Concurrency(0, Duration.ofSeconds(5));
        for (Duration accepted : new Duration[] {Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(60)}) {
            assertThat(new TokenProperties(Duration.ofMinutes(10), "keymint", concurrency, accepted).reuseWindow())
                    .isEqualTo(accepted);
        }
        for (Duration refused : new Duration[] {Duration.ofSeconds(61), Duration.ofMillis(500), Duration.ofSeconds(-1)}) {
            assertThatThrownBy(() -> new TokenProperties(Duration.ofMinutes(10), "keymint", concurrency, refused))
                    .as(refused.toString())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("keymint.tokens.reuse-window must be 0 (off) or between 1 second and a "
                            + "tenth of keymint.tokens.ttl (PT1M)");
        }
    }

    /** Each call asks for a new admin token: an emergency rotation refuses the ones signed before it. */
    private static AdminClient admin() {
        return AdminClient.of(server, acme);
    }

    private static Key create(String json) {
        Response created = admin().post("/keys", json);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return new Key(created.field("id"), created.field("api_key"));
    }

    private static long expiresIn(Response response) {
        return response.json().get("expires_in").asLong();
    }

    private static JWTClaimsSet claims(Response response) throws ParseException {
        return SignedJWT.parse(response.accessToken()).getJWTClaimsSet();
    }

    private static double metric(String name) {
        String scrape = TokenClient.get(server.managementUrl() + "/actuator/prometheus").body();
        Matcher value = Pattern.compile("(?m)^" + name + "(?:\\{[^}]*})? (\\S+)$").matcher(scrape);
        assertThat(value.find()).as(name + " in the scrape").isTrue();
        return Double.parseDouble(value.group(1));
    }

    private record Key(String id, String secret) {

        Response token(String... form) {
            String[] pairs = new String[form.length + 2];
            pairs[0] = "grant_type";
            pairs[1] = "client_credentials";
            System.arraycopy(form, 0, pairs, 2, form.length);
            return tokens.basic(id, secret, pairs);
        }
    }
}
