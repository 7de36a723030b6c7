package dev.keymint.server.tokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jwt.SignedJWT;
import dev.keymint.sdk.TokenRejectedException;
import dev.keymint.sdk.TokenVerifier;
import dev.keymint.server.testsupport.AdminClient;
import dev.keymint.server.testsupport.KeymintServer;
import dev.keymint.server.testsupport.TokenClient;
import dev.keymint.server.testsupport.TokenClient.Response;
import java.net.URI;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 13, item 4: a key's audiences and the token request's {@code resource} (RFC 8707), over real
 * HTTP against a real PostgreSQL, down to a resource-sdk verifier that requires one audience.
 */
class AudiencesTest {

    private static final String BILLING = "https://billing.example.com/api";
    private static final String REPORTS = "https://reports.example.com";
    private static final String ELSEWHERE = "https://elsewhere.example.com";

    @AutoClose
    private static KeymintServer server;
    private static TokenClient tokens;
    private static AdminClient admin;

    @BeforeAll
    static void start() {
        server = KeymintServer.onFreshDatabase().start();
        tokens = new TokenClient(server.tokenEndpoint());
        admin = AdminClient.of(server, server.bootstrap("acme", "*:*"));
    }

    @Test
    void tokenWhenResourceIsListedThenAudIsThatResource() throws Exception {
        Key key = create("[\"" + BILLING + "\", \"" + REPORTS + "\"]");

        Response first = tokens.basic(key.id(), key.secret(), "grant_type", "client_credentials", "resource", BILLING);
        Response second = tokens.basic(key.id(), key.secret(), "grant_type", "client_credentials", "resource", REPORTS);

        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(audClaim(first)).isEqualTo(BILLING); // one audience: a string (RFC 9068 §2.2)
        assertThat(audClaim(second)).isEqualTo(REPORTS);
    }

    @Test
    void tokenWhenSeveralResourcesThenAudIsAllOfThem() throws Exception {
        Key key = create("[\"" + BILLING + "\", \"" + REPORTS + "\"]");

        Response response = tokens.post(basic(key), "grant_type=client_credentials&resource="
                + form(REPORTS) + "&resource=" + form(BILLING) + "&resource=" + form(REPORTS));

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(audClaim(response)).isEqualTo(List.of(REPORTS, BILLING));
    }

    @Test
    void tokenWhenResourceNotListedThenInvalidTarget() {
        Key key = create("[\"" + BILLING + "\"]");

        Response outside = tokens.basic(key.id(), key.secret(), "grant_type", "client_credentials", "resource", ELSEWHERE);
        Response oneOutside = tokens.post(basic(key), "grant_type=client_credentials&resource=" + form(BILLING)
                + "&resource=" + form(ELSEWHERE));

        for (Response response : List.of(outside, oneOutside)) {
            assertThat(response.status()).isEqualTo(400);
            assertThat(response.field("error")).isEqualTo("invalid_target");
            assertThat(response.field("error_description"))
                    .isEqualTo("The API key may not address the resource '" + ELSEWHERE + "'");
            assertThat(response.field("access_token")).isNull();
        }
    }

    @Test
    void tokenWhenResourceIsNotAnAbsoluteUriOrHasAFragmentThenInvalidTarget() {
        Key key = create("[\"" + BILLING + "\"]");

        for (String resource : List.of("billing-api", "/api", "", "https://billing.example.com/api#x", "http://a b",
                "https://" + "a".repeat(600) + ".example.com")) {
            Response response = tokens.basic(key.id(), key.secret(), "grant_type", "client_credentials", "resource", resource);

            assertThat(response.status()).as(resource).isEqualTo(400);
            assertThat(response.field("error")).as(resource).isEqualTo("invalid_target");
            assertThat(response.field("error_description")).as(resource).startsWith("The resource parameter must ");
        }
    }

    @Test
    void tokenWithoutResourceThenDefaultAudienceOrTheKeysFirst() throws Exception {
        Key plain = create(null);
        Key listing = create("[\"" + REPORTS + "\", \"" + BILLING + "\"]");

        assertThat(audClaim(tokens.basic(plain.id(), plain.secret(), "grant_type", "client_credentials"))).isEqualTo("keymint");
        assertThat(audClaim(tokens.basic(listing.id(), listing.secret(), "grant_type", "client_credentials"))).isEqualTo(REPORTS);
    }

    @Test
    void tokenWhenKeyListsNoAudiencesThenAnyResourceIsInvalidTarget() {
        Key plain = create(null);

        Response response = tokens.basic(plain.id(), plain.secret(), "grant_type", "client_credentials", "resource", BILLING);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.field("error")).isEqualTo("invalid_target");
        assertThat(response.field("error_description")).endsWith(": it lists no audiences");
    }

    @Test
    void otherParametersStayUnrepeatable() {
        Key key = create("[\"" + BILLING + "\"]");

        Response response = tokens.post(basic(key), "grant_type=client_credentials&scope=read:x&scope=read:y");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.field("error")).isEqualTo("invalid_request");
    }

    @Test
    void adminWhenAudiencesAreBadThenFieldErrorsAndNothingStored() {
        Response response = admin.post("/keys", """
                {"name": "bad", "scopes": ["read:x"],
                 "audiences": ["https://ok.example.com", "billing-api", "https://a.example.com/#frag", null]}
                """);

        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        assertThat(response.body()).contains("\"field\":\"audiences[1]\"").contains("\"field\":\"audiences[2]\"")
                .contains("\"field\":\"audiences[3]\"").contains("must not contain a fragment")
                .doesNotContain("\"field\":\"audiences[0]\"");
        assertThat(admin.post("/keys", "{\"name\": \"bad\", \"scopes\": [\"read:x\"], \"audiences\": [5]}").status())
                .isEqualTo(400);
        String tooMany = "[" + String.join(",", java.util.stream.IntStream.range(0, 21)
                .mapToObj(i -> "\"https://s" + i + ".example.com\"").toList()) + "]";
        Response many = admin.post("/keys", "{\"name\": \"many\", \"scopes\": [\"read:x\"], \"audiences\": " + tooMany + "}");
        assertThat(many.status()).isEqualTo(400);
        assertThat(many.body()).contains("\"field\":\"audiences\"").contains("at most 20");
        Response tooLong = admin.post("/keys", "{\"name\": \"long\", \"scopes\": [\"read:x\"], \"audiences\": [\"https://"
                + "a".repeat(500) + "\"]}");
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(server.row("select count(*) as n from api_keys where name in ('bad', 'many', 'long')").get("n"))
                .isEqualTo(0L);
    }

    @Test
    void adminPatchSetsAndClearsAudiencesAndTheNextTokenFollows() throws Exception {
        Key key = create(null);

        Response set = admin.patch("/keys/" + key.id(), "{\"audiences\": [\"" + BILLING + "\", \"" + BILLING + "\"]}");
        assertThat(set.status()).as(set.body()).isEqualTo(200);
        assertThat(set.json().get("audiences").toString()).isEqualTo("[\"" + BILLING + "\"]");
        assertThat(audClaim(tokens.basic(key.id(), key.secret(), "grant_type", "client_credentials", "resource", BILLING)))
                .isEqualTo(BILLING);

        Response bad = admin.patch("/keys/" + key.id(), "{\"audiences\": [\"not a uri\"]}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body()).contains("\"field\":\"audiences[0]\"");

        Response cleared = admin.patch("/keys/" + key.id(), "{\"audiences\": null}");
        assertThat(cleared.json().get("audiences").toString()).isEqualTo("[]");
        assertThat(tokens.basic(key.id(), key.secret(), "grant_type", "client_credentials", "resource", BILLING)
                .field("error")).isEqualTo("invalid_target");
        assertThat(server.row("select after -> 'audiences' as a from audit_events where target = ? and action = 'key.update'"
                + " order by id limit 1", key.id()).get("a").toString()).contains(BILLING);
    }

    @Test
    void anotherOrganizationCannotSeeOrChangeTheAudiences() {
        Key key = create("[\"" + BILLING + "\"]");
        AdminClient other = AdminClient.of(server, server.bootstrap("globex", "*:*"));

        assertThat(other.patch("/keys/" + key.id(), "{\"audiences\": [\"" + ELSEWHERE + "\"]}").status()).isEqualTo(404);
        assertThat(other.get("/keys/" + key.id()).status()).isEqualTo(404);
        assertThat(admin.get("/keys/" + key.id()).json().get("audiences").toString()).isEqualTo("[\"" + BILLING + "\"]");
    }

    @Test
    void sdkVerifierWithAnAudienceAcceptsTokensForItAndRefusesTokensForAnother() {
        Key key = create("[\"" + BILLING + "\", \"" + REPORTS + "\"]");
        TokenVerifier billing = TokenVerifier.forIssuer(server.issuer()).audience(BILLING).organization("acme").build();

        String forBilling = tokens.basic(key.id(), key.secret(), "grant_type", "client_credentials", "resource", BILLING)
                .accessToken();
        String forReports = tokens.basic(key.id(), key.secret(), "grant_type", "client_credentials", "resource", REPORTS)
                .accessToken();

        assertThat(billing.verify("Bearer " + forBilling).audience()).containsExactly(BILLING);
        assertThatThrownBy(() -> billing.verify("Bearer " + forReports)).isInstanceOfSatisfying(TokenRejectedException.class,
                e -> assertThat(e.reason()).isEqualTo(TokenRejectedException.Reason.WRONG_AUDIENCE));
    }

    @Test
    void sdkApiKeyPathAsksForItsAudience() {
        Key key = create("[\"" + REPORTS + "\", \"" + BILLING + "\"]");
        Key other = create("[\"" + REPORTS + "\"]");
        TokenVerifier billing = TokenVerifier.forIssuer(server.issuer()).audience(BILLING).organization("acme")
                .apiKeys(true).tokenEndpoint(URI.create(server.tokenEndpoint())).build();

        assertThat(billing.verify("Bearer " + key.secret()).audience()).containsExactly(BILLING);
        assertThatThrownBy(() -> billing.verify("Bearer " + other.secret()))
                .isInstanceOfSatisfying(TokenRejectedException.class, e -> {
                    assertThat(e.reason()).isEqualTo(TokenRejectedException.Reason.API_KEY_REFUSED);
                    assertThat(e.getMessage()).startsWith("the API key was refused: invalid_target");
                });
    }

    @Test
    void introspectionAcceptsAKeysAudienceAndTheAdminApiOnlyTheDefault() {
        Key key = create("[\"" + BILLING + "\"]");
        Response introspector = admin.post("/keys", "{\"name\": \"introspector\", \"scopes\": [\"read:introspection\"]}");
        String forBilling = tokens.basic(key.id(), key.secret(), "grant_type", "client_credentials", "resource", BILLING)
                .accessToken();

        Response introspected = new TokenClient(server.baseUrl() + "/oauth/introspect")
                .basic(introspector.field("id"), introspector.field("api_key"), "token", forBilling);

        assertThat(introspected.json().get("active").asBoolean()).as(introspected.body()).isTrue();
        assertThat(introspected.json().get("aud").toString()).contains(BILLING);
        Key adminKey = create(null);
        admin.patch("/keys/" + adminKey.id(), "{\"scopes\": [\"admin:keys/**\"], \"audiences\": [\"" + BILLING + "\"]}");
        String adminTokenForBilling = tokens.basic(adminKey.id(), adminKey.secret(), "grant_type", "client_credentials",
                "resource", BILLING).accessToken();
        assertThat(AdminClient.withToken(server, adminTokenForBilling).get("/keys").status()).isEqualTo(401);
    }

    private static Object audClaim(Response response) throws Exception {
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return SignedJWT.parse(response.accessToken()).getPayload().toJSONObject().get("aud");
    }

    private static Key create(String audiencesJson) {
        Response created = admin.post("/keys", "{\"name\": \"aud\", \"scopes\": [\"read:projects/**\"]"
                + (audiencesJson == null ? "" : ", \"audiences\": " + audiencesJson) + "}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return new Key(created.field("id"), created.field("api_key"));
    }

    private static String basic(Key key) {
        return "Basic " + Base64.getEncoder().encodeToString((key.id() + ":" + key.secret()).getBytes());
    }

    private static String form(String value) {
        return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8);
    }

    private record Key(String id, String secret) {
    }
}
