package dev.keymint.server.status;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import dev.keymint.sdk.Scope;
import dev.keymint.sdk.TokenVerifier;
import dev.keymint.server.testsupport.AdminClient;
import dev.keymint.server.testsupport.KeymintServer;
import dev.keymint.server.testsupport.TokenClient;
import dev.keymint.server.testsupport.TokenClient.Response;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Issue 13, item 6 end to end: a customer's API guarded by the SDK's servlet filter with
 * {@code apiKeys(true)} accepts a Keymint API key as a Bearer token, exchanged once at a real
 * Keymint (on PostgreSQL) and verified offline like a token. Two Keymint instances share one
 * database: {@code trusting} has the API's address (127.0.0.1) among its trusted proxies,
 * {@code untrusting} has none. The API believes {@code X-Forwarded-For} from the test, so each call
 * chooses the original caller's address; token requests to {@code trusting} go through a
 * {@link LoadBalancer} that counts them.
 */
class ApiKeyPathTest {

    private static final Duration TTL = Duration.ofSeconds(2);
    private static final Duration GIVE_UP = Duration.ofSeconds(20);
    private static final String TOKEN_PATH = "/oauth/token";
    private static final String INSIDE = "203.0.113.7";
    private static final String OUTSIDE = "198.51.100.9";

    private static LoadBalancer issuer;
    private static KeymintServer trusting;
    private static KeymintServer untrusting;
    private static AdminClient admin;
    private static ResourceServer api;
    private static final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @BeforeAll
    static void start() {
        issuer = LoadBalancer.start();
        KeymintServer.Builder builder = KeymintServer.onFreshDatabase().property("keymint.issuer", issuer.url())
                .property("keymint.status.ttl", TTL.toSeconds() + "s")
                .property("keymint.trusted-proxies", "127.0.0.0/8, ::1/128")
                .property("logging.level.dev.keymint", "DEBUG"); // the lines that name keys must not name secrets
        trusting = builder.start();
        untrusting = KeymintServer.onDatabase(builder.jdbcUrl()).masterKey(builder.masterKey())
                .property("keymint.issuer", issuer.url()).property("keymint.status.ttl", TTL.toSeconds() + "s")
                .property("logging.level.dev.keymint", "DEBUG").start();
        issuer.addBackend(trusting.baseUrl());
        admin = AdminClient.of(trusting, trusting.bootstrap("acme", "*:*"));
        // after the instances started: Spring Boot resets the logging configuration as it starts
        logs.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);

        TokenVerifier keys = verifier(issuer.url() + TOKEN_PATH);
        api = ResourceServer.create().behindProxy()
                .guard("read", keys, Scope.parse("read:projects/**"))
                .guard("write", keys, Scope.parse("write:projects/**"))
                .guard("untrusted", verifier(untrusting.tokenEndpoint()))
                .guard("down", verifier("http://127.0.0.1:1" + TOKEN_PATH))
                .guard("tokens-only", TokenVerifier.forIssuer(issuer.url()).audience("keymint").build())
                .start();
    }

    /** As a customer writes it: the README's verifier plus {@code apiKeys(true)}. */
    private static TokenVerifier verifier(String tokenEndpoint) {
        return TokenVerifier.forIssuer(issuer.url()).audience("keymint").organization("acme")
                .statusListRefresh(Duration.ofSeconds(1), Duration.ofSeconds(2))
                .apiKeys(true).tokenEndpoint(URI.create(tokenEndpoint)).build();
    }

    @AfterAll
    static void stop() {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
        if (api != null) {
            api.close();
        }
        untrusting.close();
        trusting.close();
        issuer.close();
    }

    @Test
    void apiKeyAsBearerIsAcceptedAndItsScopesAreEnforced() {
        NewKey key = create("reader", null);

        Response read = call("/read/projects/42", key.apiKey(), INSIDE);
        Response write = call("/write/projects/42", key.apiKey(), INSIDE);

        assertThat(read.status()).as(read.header("WWW-Authenticate")).isEqualTo(200);
        assertThat(read.body()).isEqualTo("hello " + key.id());
        assertThat(write.status()).isEqualTo(403);
        assertThat(write.header("WWW-Authenticate")).startsWith("Bearer error=\"insufficient_scope\"");
    }

    @Test
    void manyConcurrentRequestsWithOneKeyMakeOneExchange() throws Exception {
        NewKey key = create("busy", null);
        int before = issuer.requestCount(TOKEN_PATH);

        ExecutorService callers = Executors.newFixedThreadPool(16);
        try {
            List<Future<Response>> responses = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                responses.add(callers.submit(() -> call("/read/projects/1", key.apiKey(), INSIDE)));
            }
            for (Future<Response> response : responses) {
                assertThat(response.get().status()).isEqualTo(200);
            }
        } finally {
            callers.shutdown();
        }

        assertThat(issuer.requestCount(TOKEN_PATH) - before).as("token requests for 64 API requests").isEqualTo(1);
    }

    @Test
    void revokedKeyIsRefusedThroughTheStatusListWhileItsTokenIsCached() {
        NewKey key = create("revoked-later", null);
        assertThat(call("/read/projects/1", key.apiKey(), INSIDE).status()).isEqualTo(200);
        int exchanges = issuer.requestCount(TOKEN_PATH);

        assertThat(admin.post("/keys/" + key.id() + "/revoke", null).status()).isEqualTo(200);
        Response refused = awaitStatusOtherThan(200, key.apiKey());

        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.header("WWW-Authenticate"))
                .isEqualTo("Bearer error=\"invalid_token\", error_description=\"the token has been revoked\"");
        assertThat(issuer.requestCount(TOKEN_PATH)).as("the cached token was refused, no new exchange").isEqualTo(exchanges);
    }

    @Test
    void malformedApiKeyIsRefusedWithoutAnyNetworkCall() {
        NewKey key = create("typo", null);
        String typo = key.apiKey().substring(0, 30) + (key.apiKey().charAt(30) == 'a' ? 'b' : 'a') + key.apiKey().substring(31);
        int before = issuer.requestCount(TOKEN_PATH);

        List<Response> responses = List.of(call("/read/projects/1", typo, INSIDE), call("/read/projects/1", "kmk_short", INSIDE),
                call("/down/projects/1", typo, INSIDE));

        assertThat(responses).allSatisfy(response -> {
            assertThat(response.status()).isEqualTo(401);
            assertThat(response.header("WWW-Authenticate"))
                    .isEqualTo("Bearer error=\"invalid_token\", error_description=\"the API key is not well-formed\"");
        });
        assertThat(issuer.requestCount(TOKEN_PATH)).isEqualTo(before);
    }

    @Test
    void refusedApiKeyGetsTheTokenEndpointsReason() {
        NewKey key = create("revoked-first", null);
        assertThat(admin.post("/keys/" + key.id() + "/revoke", null).status()).isEqualTo(200);

        Response refused = call("/read/projects/1", key.apiKey(), INSIDE);

        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.header("WWW-Authenticate")).isEqualTo("Bearer error=\"invalid_token\", error_description=\""
                + "the API key was refused: invalid_client (The API key is revoked)\"");
    }

    @Test
    void unreachableTokenEndpointIsA503AndAVerifierWithoutApiKeysTreatsAKeyAsAMalformedToken() {
        NewKey key = create("offline", null);

        Response down = call("/down/projects/1", key.apiKey(), INSIDE);
        Response tokensOnly = call("/tokens-only/projects/1", key.apiKey(), INSIDE);

        assertThat(down.status()).isEqualTo(503);
        assertThat(tokensOnly.status()).isEqualTo(401);
        assertThat(tokensOnly.header("WWW-Authenticate")).startsWith("Bearer error=\"invalid_token\"");
    }

    @Test
    void allowedCidrsApplyToTheOriginalCallerAndACachedTokenIsNotReusedForAnotherAddress() {
        NewKey key = create("office", "203.0.113.0/24");

        Response inside = call("/read/projects/1", key.apiKey(), INSIDE);
        Response outside = call("/read/projects/1", key.apiKey(), OUTSIDE);
        Response insideAgain = call("/read/projects/1", key.apiKey(), "203.0.113.8");

        assertThat(inside.status()).as(inside.header("WWW-Authenticate")).isEqualTo(200);
        assertThat(outside.status()).as("the token cached for " + INSIDE + " does not serve " + OUTSIDE).isEqualTo(401);
        assertThat(outside.header("WWW-Authenticate")).isEqualTo("Bearer error=\"invalid_token\", error_description=\""
                + "the API key was refused: invalid_client (The API key may not be used from address " + OUTSIDE + ")\"");
        assertThat(insideAgain.status()).isEqualTo(200);
    }

    @Test
    void keyAllowedOnlyForTheResourceServersOwnAddressIsNotUsableByItsCallers() {
        NewKey key = create("loopback-only", "127.0.0.0/8");

        Response trusted = call("/read/projects/1", key.apiKey(), INSIDE);
        Response untrusted = call("/untrusted/projects/1", key.apiKey(), INSIDE);

        assertThat(trusted.status()).isEqualTo(401);
        assertThat(trusted.header("WWW-Authenticate")).contains("may not be used from address " + INSIDE);
        assertThat(untrusted.status()).as("not checked against the resource server's 127.0.0.1").isEqualTo(401);
        assertThat(untrusted.header("WWW-Authenticate")).isEqualTo("Bearer error=\"invalid_token\", error_description=\""
                + "the API key was refused: invalid_client (The API key has allowed CIDRs and the caller's address is"
                + " unknown: the request was relayed by a proxy that is not trusted)\"");
    }

    @Test
    void forwardedHeaderFromAnUntrustedPeerIsIgnoredAndAKeyWithoutCidrsIsUnaffected() {
        NewKey office = create("office-direct", "203.0.113.0/24");
        NewKey anywhere = create("anywhere", null);
        TokenClient untrustingEndpoint = new TokenClient(untrusting.tokenEndpoint());

        Response claimed = TokenClient.send(HttpRequest.newBuilder(URI.create(untrusting.tokenEndpoint()))
                .header("Authorization", basic(office)).header("Forwarded", "for=" + INSIDE)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build());
        Response relayedWithoutCidrs = call("/untrusted/projects/1", anywhere.apiKey(), INSIDE);

        assertThat(claimed.status()).isEqualTo(401);
        assertThat(claimed.field("error")).isEqualTo("invalid_client");
        assertThat(claimed.field("error_description")).contains("the caller's address is unknown");
        assertThat(untrustingEndpoint.basic(office.id(), office.apiKey(), "grant_type", "client_credentials").status())
                .as("no header: checked against the peer, 127.0.0.1, as before").isEqualTo(401);
        assertThat(relayedWithoutCidrs.status()).isEqualTo(200);
    }

    @Test
    void apiKeyNeverAppearsInTheLogsOfKeymintOrTheSdk() {
        NewKey key = create("secretive", "203.0.113.0/24");
        NewKey revoked = create("secretive-revoked", null);
        assertThat(admin.post("/keys/" + revoked.id() + "/revoke", null).status()).isEqualTo(200);

        call("/read/projects/1", key.apiKey(), INSIDE);
        call("/read/projects/1", key.apiKey(), OUTSIDE);
        call("/untrusted/projects/1", key.apiKey(), INSIDE);
        call("/read/projects/1", revoked.apiKey(), INSIDE);
        call("/down/projects/1", key.apiKey(), INSIDE);

        List<String> lines = new ArrayList<>();
        synchronized (logs) {
            for (ILoggingEvent event : logs.list) {
                lines.add(event.getFormattedMessage());
                for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
                    lines.add(t.getMessage());
                }
            }
        }
        assertThat(lines).as("the debug lines of the token endpoint ran").anyMatch(line -> line != null && line.contains(key.id()));
        for (NewKey k : List.of(key, revoked)) {
            String secret = k.apiKey().substring(4 + 16 + 1);
            assertThat(lines).noneMatch(line -> line != null && line.contains(secret));
        }
    }

    private static Response awaitStatusOtherThan(int status, String apiKey) {
        long giveUp = System.nanoTime() + GIVE_UP.toNanos();
        while (true) {
            Response response = call("/read/projects/1", apiKey, INSIDE);
            if (response.status() != status || System.nanoTime() > giveUp) {
                return response;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private static Response call(String path, String apiKey, String callerAddress) {
        return TokenClient.send(api.get(path, apiKey, callerAddress));
    }

    private static String basic(NewKey key) {
        return "Basic " + java.util.Base64.getEncoder().encodeToString((key.id() + ":" + key.apiKey()).getBytes());
    }

    private static NewKey create(String name, String cidr) {
        Response created = admin.post("/keys", "{\"name\": \"" + name + "\", \"scopes\": [\"read:projects/**\"]"
                + (cidr == null ? "" : ", \"allowed_cidrs\": [\"" + cidr + "\"]") + "}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return new NewKey(created.field("id"), created.field("api_key"));
    }

    record NewKey(String id, String apiKey) {
    }
}
