package dev.keymint.server.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.SignedJWT;
import dev.keymint.sdk.TokenVerifier;
import dev.keymint.server.status.LoadBalancer.StatusListRequest;
import dev.keymint.server.testsupport.AdminClient;
import dev.keymint.server.testsupport.KeymintServer;
import dev.keymint.server.testsupport.TokenClient;
import dev.keymint.server.testsupport.TokenClient.Response;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The promise of issue 11 end to end: an admin disables, revokes or deletes a key on one of two
 * Keymint instances, and a customer's API guarded by the SDK's servlet filter refuses the key's
 * live token within the status list's {@code ttl} plus a second, saying why; enabling the key
 * lets its token in again; other keys' tokens are never disturbed. The API reaches the issuer
 * through a {@link LoadBalancer} in front of both instances (the shared {@code keymint.issuer}), so
 * its list fetches alternate between instances as admin calls do.
 */
class RevocationReachesResourceServerTest {

    /** {@code keymint.status.ttl}: the list's {@code ttl} claim, so how often the SDK refetches it. */
    private static final Duration TTL = Duration.ofSeconds(2);
    /**
     * How soon a change must reach the API once the admin call returned: the SDK refetches every
     * {@code ttl}; the second is for the fetch itself and this test's 100 ms polling.
     */
    private static final Duration PROMISED = TTL.plusSeconds(1);
    /** When a test gives up waiting: far beyond any promise, so a slow machine fails on the promise. */
    private static final Duration GIVE_UP = Duration.ofSeconds(20);
    private static final String REFRESH_THREAD = "keymint-status-list-refresh";

    private static LoadBalancer issuer;
    private static KeymintServer first;
    private static KeymintServer second;
    /** The same admin token, sent to one instance or the other. */
    private static AdminClient adminOnFirst;
    private static AdminClient adminOnSecond;
    private static ResourceServer api;
    private static String untouchedToken;

    @BeforeAll
    static void start() {
        issuer = LoadBalancer.start();
        KeymintServer.Builder builder = KeymintServer.onFreshDatabase().property("keymint.status.ttl", TTL.toSeconds() + "s")
                .property("keymint.issuer", issuer.url());
        first = builder.start();
        second = builder.start();
        issuer.addBackend(first.baseUrl());
        issuer.addBackend(second.baseUrl());
        adminOnFirst = AdminClient.of(first, first.bootstrap("acme", "*:*"));
        adminOnSecond = AdminClient.withToken(second, adminOnFirst.token());

        // As a customer writes it from the SDK's README, with refreshes allowed every 1-2 s.
        TokenVerifier verifier = TokenVerifier.forIssuer(issuer.url()).audience("keymint").organization("acme")
                .statusListRefresh(Duration.ofSeconds(1), Duration.ofSeconds(2)).build();
        // A verifier that only has the token's exp, and no clock skew, to see exp on its own.
        TokenVerifier expOnly = TokenVerifier.forIssuer(issuer.url()).audience("keymint").organization("acme")
                .statusCheck(false).clockSkew(Duration.ZERO).build();
        api = ResourceServer.create().guard("api", verifier).guard("exp-only", expOnly).start();

        NewKey untouched = create(adminOnSecond, "untouched", null);
        untouchedToken = untouched.token(first);
        // Warm-up: the first token naming the list makes the SDK fetch it on this request's thread.
        assertThat(call("/api/projects", untouchedToken).body()).isEqualTo("hello " + untouched.id());
    }

    @AfterAll
    static void stop() {
        if (api != null) {
            api.close();
        }
        second.close();
        first.close();
        issuer.close();
    }

    @Test
    void disabledKeysTokenIsRefusedAsSuspendedWithinTtlAndAcceptedAgainOnceTheKeyIsEnabled() {
        NewKey key = create(adminOnFirst, "toggled", null);
        String token = key.token(second);
        assertThat(call("/api/projects", token).status()).isEqualTo(200);

        assertThat(adminOnFirst.post("/keys/" + key.id() + "/disable", null).status()).isEqualTo(200);
        Change disabled = awaitChange(token, 200);
        assertThat(adminOnSecond.post("/keys/" + key.id() + "/enable", null).status()).isEqualTo(200);
        Change enabled = awaitChange(token, 401);
        assertThat(adminOnSecond.post("/keys/" + key.id() + "/disable", null).status()).isEqualTo(200);
        Change disabledAgain = awaitChange(token, 200);

        assertRefused(disabled, "the token is suspended");
        assertThat(enabled.response().status()).isEqualTo(200);
        assertThat(enabled.response().body()).isEqualTo("hello " + key.id());
        assertThat(enabled.after()).as("accepted again after enabling").isLessThanOrEqualTo(PROMISED);
        assertRefused(disabledAgain, "the token is suspended");
    }

    @Test
    void revokedKeysTokenIsRefusedAsRevokedWithinTtl() {
        NewKey key = create(adminOnFirst, "revoked", null);
        String token = key.token(first);
        assertThat(call("/api/projects", token).status()).isEqualTo(200);

        assertThat(adminOnSecond.post("/keys/" + key.id() + "/revoke", null).status()).isEqualTo(200);
        Change revoked = awaitChange(token, 200);

        assertRefused(revoked, "the token has been revoked");
    }

    @Test
    void deletedKeysTokenIsRefusedAsRevokedWithinTtl() {
        NewKey key = create(adminOnSecond, "deleted", null);
        String token = key.token(second);
        assertThat(call("/api/projects", token).status()).isEqualTo(200);

        assertThat(adminOnFirst.delete("/keys/" + key.id() + "?confirm=true").status()).isEqualTo(204);
        Change deleted = awaitChange(token, 200);

        assertRefused(deleted, "the token has been revoked");
    }

    @Test
    void expiredKeysTokenEndsAtTheKeysExpiryByItsExpAndByTheStatusList() throws Exception {
        Instant expiresAt = Instant.now().plusSeconds(3).truncatedTo(ChronoUnit.SECONDS);
        NewKey key = create(adminOnSecond, "short-lived", expiresAt);
        String token = key.token(first);
        assertThat(call("/api/projects", token).status()).isEqualTo(200);
        assertThat(call("/exp-only/projects", token).status()).isEqualTo(200);

        Change byStatus = awaitChange(token, 200);
        Instant refusedByStatus = Instant.now();
        Response byExp = call("/exp-only/projects", token);

        assertThat(SignedJWT.parse(token).getJWTClaimsSet().getExpirationTime().toInstant())
                .as("the token's exp is its key's expires_at").isEqualTo(expiresAt);
        // The SDK's default 30 s clock skew would accept the token until exp + 30 s; the status list
        // refuses it once the instances' once-a-second expiry check marked the key, within the promise.
        assertThat(byStatus.response().status()).isEqualTo(401);
        assertThat(byStatus.response().header("WWW-Authenticate"))
                .isEqualTo("Bearer error=\"invalid_token\", error_description=\"the token has been revoked\"");
        assertThat(refusedByStatus).isAfterOrEqualTo(expiresAt)
                .isBeforeOrEqualTo(expiresAt.plusSeconds(1).plus(PROMISED));
        assertThat(byExp.status()).isEqualTo(401);
        assertThat(byExp.header("WWW-Authenticate"))
                .isEqualTo("Bearer error=\"invalid_token\", error_description=\"the token expired at " + expiresAt + "\"");
    }

    @Test
    void statusListIsFetchedWithTheDraftsHeadersOnARequestThreadOnlyOnceThenInTheBackground() throws Exception {
        // Let the list be refreshed a few times, by one instance or the other.
        long until = System.nanoTime() + TTL.multipliedBy(4).toNanos();
        while (System.nanoTime() < until) {
            assertThat(call("/api/projects", untouchedToken).status()).isEqualTo(200);
            Thread.sleep(100);
        }

        List<StatusListRequest> requests = issuer.statusListRequests();

        assertThat(requests.size()).as("refreshed every ttl").isGreaterThanOrEqualTo(3);
        assertThat(requests.get(0).requestingThread()).as("the first fetch, on the warm-up request's thread")
                .startsWith("http-nio-");
        assertThat(requests.get(0).header("If-None-Match")).isNull();
        assertThat(requests.get(0).status()).isEqualTo(200);
        assertThat(requests.get(0).responseHeader("Content-Encoding")).isEqualTo("gzip");
        assertThat(requests.subList(1, requests.size())).allSatisfy(request -> {
            assertThat(request.requestingThread()).as("a later fetch").isEqualTo(REFRESH_THREAD);
            assertThat(request.header("If-None-Match")).as("a later fetch names the copy held").startsWith("W/\"");
        });
        assertThat(requests).allSatisfy(request -> {
            assertThat(request.path()).isEqualTo("/oauth/status/1");
            assertThat(request.header("Accept")).isEqualTo("application/statuslist+jwt");
            assertThat(request.header("Accept-Encoding")).isEqualTo("gzip");
            assertThat(request.status()).isIn(200, 304);
        });
        assertThat(requests).as("an unchanged list is not sent again, whichever instance answers")
                .filteredOn(request -> request.status() == 304).extracting(StatusListRequest::backend)
                .contains(first.baseUrl(), second.baseUrl());
    }

    private static void assertRefused(Change change, String description) {
        assertThat(change.response().status()).isEqualTo(401);
        assertThat(change.response().header("WWW-Authenticate"))
                .isEqualTo("Bearer error=\"invalid_token\", error_description=\"" + description + "\"");
        assertThat(change.after()).as("refused after the admin call returned").isLessThanOrEqualTo(PROMISED);
    }

    /** An answer of the API that differs from the one before, and how long after the start of the wait it came. */
    record Change(Response response, Duration after) {
    }

    /**
     * Calls the API with {@code token} every 100 ms while it answers {@code before}, checking each
     * time that the untouched key's token is still accepted. Call it right after the admin call returned.
     */
    private static Change awaitChange(String token, int before) {
        long start = System.nanoTime();
        long giveUp = start + GIVE_UP.toNanos();
        while (true) {
            Response untouched = call("/api/projects", untouchedToken);
            assertThat(untouched.status()).as("the untouched key's token, all along: " + untouched.header("WWW-Authenticate"))
                    .isEqualTo(200);
            Response response = call("/api/projects", token);
            Duration after = Duration.ofNanos(System.nanoTime() - start);
            if (response.status() != before || System.nanoTime() > giveUp) {
                return new Change(response, after);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private static Response call(String path, String token) {
        return TokenClient.send(api.get(path, token));
    }

    private static NewKey create(AdminClient admin, String name, Instant expiresAt) {
        Response created = admin.post("/keys", "{\"name\": \"" + name + "\", \"scopes\": [\"read:projects/**\"]"
                + (expiresAt == null ? "" : ", \"expires_at\": \"" + expiresAt + "\"") + "}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return new NewKey(created.field("id"), created.field("api_key"));
    }

    record NewKey(String id, String apiKey) {
        String token(KeymintServer server) {
            return new TokenClient(server.tokenEndpoint()).basic(id, apiKey, "grant_type", "client_credentials").accessToken();
        }
    }
}
