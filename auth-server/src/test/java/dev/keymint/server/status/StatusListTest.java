package dev.keymint.server.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.SignedJWT;
import dev.keymint.server.testsupport.AdminClient;
import dev.keymint.server.testsupport.KeymintServer;
import dev.keymint.server.testsupport.TokenClient;
import dev.keymint.server.testsupport.TokenClient.Response;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Token Status Lists as a verifier sees them, with two instances on one database: every token names
 * its key's entry, the entry's uri serves a signed list on either instance, and an admin change is in
 * the list of both instances as soon as the admin call has returned.
 */
class StatusListTest {

    private static final int VALID = 0;
    private static final int INVALID = 1;
    private static final int SUSPENDED = 2;
    /** One issuer for both instances, as in production behind a load balancer. */
    private static final String ISSUER = "https://keymint.test";

    @AutoClose
    private static KeymintServer first;
    @AutoClose
    private static KeymintServer second;
    private static AdminClient admin;

    @BeforeAll
    static void start() {
        KeymintServer.Builder builder = KeymintServer.onFreshDatabase().property("keymint.status.ttl", "2s")
                .property("keymint.issuer", ISSUER);
        first = builder.start();
        second = builder.start();
        admin = AdminClient.of(first, first.bootstrap("acme", "*:*"));
    }

    @Test
    void tokenNamesItsKeysEntryAndTheUriServesASignedListWhereItIsValid() throws Exception {
        NewKey key = create("reader");

        StatusClaim claim = StatusClaim.of(key.token(first));
        FetchedStatusList list = FetchedStatusList.fetch(first.baseUrl(), first.baseUrl() + "/oauth/status/1", claim.uri());

        assertThat(claim.uri()).isEqualTo(ISSUER + "/oauth/status/1");
        assertThat(StatusClaim.of(key.token(first)).idx()).as("every token of a key shares its index").isEqualTo(claim.idx());
        assertThat(list.bits()).isEqualTo(2);
        assertThat(list.entries()).hasSize(StatusListIndex.SIZE / 4);
        assertThat(list.status(claim.idx())).isEqualTo(VALID);
        var claims = list.jwt().getJWTClaimsSet();
        assertThat(claims.getIssuer()).isEqualTo(ISSUER);
        assertThat(claims.getLongClaim("ttl")).isEqualTo(2);
        assertThat(claims.getExpirationTime()).isAfter(claims.getIssueTime());
        assertThat(list.response().header("Cache-Control")).isEqualTo("max-age=2, public");
    }

    @Test
    void disableEnableRevokeAndDeleteAreInBothInstancesListsWhenTheAdminCallReturns() {
        NewKey toggled = create("toggled");
        NewKey revoked = create("revoked");
        NewKey deleted = create("deleted");
        NewKey untouched = create("untouched");
        StatusClaim toggledClaim = StatusClaim.of(toggled.token(first));
        StatusClaim revokedClaim = StatusClaim.of(revoked.token(first));
        StatusClaim deletedClaim = StatusClaim.of(deleted.token(second));
        StatusClaim untouchedClaim = StatusClaim.of(untouched.token(second));
        statusOnBoth(toggledClaim); // both instances hold the list in memory before the changes

        assertThat(admin.post("/keys/" + toggled.id() + "/disable", null).status()).isEqualTo(200);
        assertThat(statusOnBoth(toggledClaim)).containsExactly(SUSPENDED, SUSPENDED);

        assertThat(admin.post("/keys/" + toggled.id() + "/enable", null).status()).isEqualTo(200);
        assertThat(statusOnBoth(toggledClaim)).containsExactly(VALID, VALID);

        assertThat(admin.post("/keys/" + revoked.id() + "/revoke", null).status()).isEqualTo(200);
        assertThat(statusOnBoth(revokedClaim)).containsExactly(INVALID, INVALID);

        assertThat(admin.delete("/keys/" + deleted.id() + "?confirm=true").status()).isEqualTo(204);
        assertThat(statusOnBoth(deletedClaim)).containsExactly(INVALID, INVALID);

        assertThat(statusOnBoth(untouchedClaim)).containsExactly(VALID, VALID);
    }

    @Test
    void keyPastItsExpiryIsInvalidInBothListsWithoutAnyWrite() throws Exception {
        Instant expiresAt = Instant.now().plusSeconds(3).truncatedTo(ChronoUnit.SECONDS);
        Response created = admin.post("/keys", "{\"name\": \"short-lived\", \"scopes\": [\"read:x/**\"], \"expires_at\": \""
                + expiresAt + "\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        NewKey key = new NewKey(created.field("id"), created.field("api_key"));
        StatusClaim claim = StatusClaim.of(key.token(first));
        assertThat(statusOnBoth(claim)).containsExactly(VALID, VALID);
        String rowBefore = first.jdbc().sql("select (to_jsonb(k) - 'last_used_at')::text from api_keys k where id = ?").param(key.id())
                .query(String.class).single();

        // Expiry is a time, not an event: poll until both lists say so (a second's look on each).
        long deadline = System.nanoTime() + 30_000_000_000L;
        List<Integer> statuses = statusOnBoth(claim);
        while (!statuses.equals(List.of(INVALID, INVALID)) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            statuses = statusOnBoth(claim);
        }

        assertThat(statuses).containsExactly(INVALID, INVALID);
        assertThat(Instant.now()).isAfterOrEqualTo(expiresAt);
        assertThat(first.jdbc().sql("select (to_jsonb(k) - 'last_used_at')::text from api_keys k where id = ?").param(key.id())
                .query(String.class).single()).isEqualTo(rowBefore);
    }

    @Test
    void unchangedListAnswersIfNoneMatchWith304OnEitherInstanceAndAChangeGivesANewEtag() {
        NewKey key = create("etag");
        StatusClaim claim = StatusClaim.of(key.token(first));
        String url = first.baseUrl() + "/oauth/status/" + StatusListIndex.listId(claim.idx());
        Response full = FetchedStatusList.get(url, "Accept", "application/statuslist+jwt");
        String etag = full.header("ETag");

        Response again = FetchedStatusList.get(url, "If-None-Match", etag);
        Response otherInstance = FetchedStatusList.get(second.baseUrl() + "/oauth/status/1", "If-None-Match", etag);
        assertThat(admin.post("/keys/" + key.id() + "/disable", null).status()).isEqualTo(200);
        Response changed = FetchedStatusList.get(url, "If-None-Match", etag);

        assertThat(etag).startsWith("W/\"");
        assertThat(again.status()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        assertThat(again.header("ETag")).isEqualTo(etag);
        assertThat(again.header("Cache-Control")).isEqualTo("max-age=2, public");
        // A 304 names the Vary of the 200 it stands for (RFC 9110 §15.4.5): a shared cache refreshing its
        // stored gzip copy with it must still hand that copy only to clients that accept gzip.
        assertThat(vary(full)).containsIgnoringCase("Accept-Encoding");
        assertThat(vary(again)).containsIgnoringCase("Accept-Encoding");
        assertThat(changed.status()).isEqualTo(200);
        assertThat(changed.header("ETag")).isNotEqualTo(etag);
        // The second instance signed its own token (its own iat and signature) for the same list, signing
        // key and exp window: the weak ETag is the same, so a verifier behind a load balancer gets 304s.
        assertThat(otherInstance.status()).isEqualTo(304);
    }

    @Test
    void unknownListIs404AndAnAcceptWithoutTheListsTypeIs406() {
        create("one key at least");

        assertThat(FetchedStatusList.get(first.baseUrl() + "/oauth/status/2").status()).isEqualTo(404);
        assertThat(FetchedStatusList.get(first.baseUrl() + "/oauth/status/0").status()).isEqualTo(404);
        assertThat(FetchedStatusList.get(first.baseUrl() + "/oauth/status/abc").status()).isEqualTo(404);
        assertThat(FetchedStatusList.get(first.baseUrl() + "/oauth/status/99999999999999999999").status()).isEqualTo(404);
        assertThat(FetchedStatusList.get(first.baseUrl() + "/oauth/status/1", "Accept", "application/statuslist+cwt")
                .status()).isEqualTo(406);
        assertThat(FetchedStatusList.get(first.baseUrl() + "/oauth/status/1", "Accept", "*/*").status()).isEqualTo(200);
        assertThat(FetchedStatusList.get(first.baseUrl() + "/oauth/status/1").status()).isEqualTo(200);
    }

    @Test
    void listIsGzippedOnRequestAndOpenToBrowsers() {
        create("gzip");

        Response gzipped = FetchedStatusList.get(first.baseUrl() + "/oauth/status/1", "Accept-Encoding", "gzip",
                "Origin", "https://dashboard.example");
        Response preflight = TokenClient.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(first.baseUrl() + "/oauth/status/1"))
                .method("OPTIONS", java.net.http.HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://dashboard.example")
                .header("Access-Control-Request-Method", "GET")
                .header("Access-Control-Request-Headers", "if-none-match")
                .build());

        assertThat(gzipped.status()).isEqualTo(200);
        assertThat(gzipped.header("Content-Encoding")).isEqualTo("gzip");
        assertThat(gzipped.header("Access-Control-Allow-Origin")).isEqualTo("*");
        assertThat(gzipped.header("Access-Control-Expose-Headers")).contains("ETag");
        assertThat(preflight.status()).isEqualTo(200);
        assertThat(preflight.header("Access-Control-Allow-Methods")).contains("GET");
    }

    @Test
    void metadataAdvertisesIntrospectionAndTheListOfLists() {
        create("listed");
        JsonNode metadata = TokenClient.get(first.baseUrl() + "/.well-known/oauth-authorization-server").json();
        String aggregation = metadata.get("status_list_aggregation_endpoint").asString();

        assertThat(metadata.get("introspection_endpoint").asString()).isEqualTo(ISSUER + "/oauth/introspect");
        assertThat(aggregation).isEqualTo(ISSUER + "/oauth/status");
        assertThat(TokenClient.get(first.baseUrl() + "/oauth/status").json().get("status_lists").toString())
                .isEqualTo("[\"" + ISSUER + "/oauth/status/1\"]");
    }

    @Test
    void deletingAnAgentRevokesEveryKeyOfItInTheListOfBothInstances() {
        Response agent = admin.post("/agents", "{\"name\": \"crawler\", \"capabilities\": [\"read:x/**\"]}");
        assertThat(agent.status()).as(agent.body()).isEqualTo(201);
        String agentId = agent.field("id");
        Response extra = admin.post("/agents/" + agentId + "/keys", "{\"name\": \"backfill\"}");
        List<StatusClaim> claims = List.of(
                StatusClaim.of(new NewKey(agent.json().get("production_key").get("id").asString(),
                        agent.json().get("production_key").get("api_key").asString()).token(first)),
                StatusClaim.of(new NewKey(extra.field("id"), extra.field("api_key")).token(second)));
        claims.forEach(claim -> assertThat(statusOnBoth(claim)).containsExactly(VALID, VALID));

        assertThat(admin.delete("/agents/" + agentId + "?confirm=revoke-keys").status()).isEqualTo(204);

        claims.forEach(claim -> assertThat(statusOnBoth(claim)).containsExactly(INVALID, INVALID));
    }

    private static String vary(Response response) {
        return String.join(", ", response.raw().headers().allValues("Vary"));
    }

    /** The entry on the first instance, then on the second (same list id, each its own uri). */
    private static List<Integer> statusOnBoth(StatusClaim claim) {
        String path = claim.uri().substring(ISSUER.length());
        return List.of(FetchedStatusList.fetch(first.baseUrl(), first.baseUrl() + path, claim.uri()).status(claim.idx()),
                FetchedStatusList.fetch(second.baseUrl(), second.baseUrl() + path, claim.uri()).status(claim.idx()));
    }

    private static NewKey create(String name) {
        Response created = admin.post("/keys", "{\"name\": \"" + name + "\", \"scopes\": [\"read:x/**\"]}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return new NewKey(created.field("id"), created.field("api_key"));
    }

    record NewKey(String id, String apiKey) {
        String token(KeymintServer server) {
            return new TokenClient(server.tokenEndpoint()).basic(id, apiKey, "grant_type", "client_credentials").accessToken();
        }
    }

    /** The {@code status.status_list} claim of an access token. */
    record StatusClaim(long idx, String uri) {
        @SuppressWarnings("unchecked")
        static StatusClaim of(String accessToken) {
            try {
                Map<String, Object> status = SignedJWT.parse(accessToken).getJWTClaimsSet().getJSONObjectClaim("status");
                Map<String, Object> statusList = (Map<String, Object>) status.get("status_list");
                return new StatusClaim(((Number) statusList.get("idx")).longValue(), (String) statusList.get("uri"));
            } catch (java.text.ParseException e) {
                throw new AssertionError(e);
            }
        }
    }
}
