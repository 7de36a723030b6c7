package dev.keymint.server.usage;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.SignedJWT;
import dev.keymint.server.keys.LastUsedRecorder;
import dev.keymint.server.organizations.OrganizationBootstrapper.BootstrappedOrganization;
import dev.keymint.server.testsupport.AdminClient;
import dev.keymint.server.testsupport.KeymintServer;
import dev.keymint.server.testsupport.TokenClient;
import dev.keymint.server.testsupport.TokenClient.Response;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Resource servers report the API requests they served to {@code POST /admin/v1/usage-reports}:
 * the usage API shows them next to token exchanges, last_used_at follows them, a replayed batch
 * is not counted twice, bad reports book nothing, reporters see only their organization's keys
 * unless they are the operator's, and spent budgets refuse the key at the token endpoint.
 */
class UsageReportsTest {

    private static KeymintServer server;
    private static AdminClient acme;
    private static AdminClient reporter;
    private static AdminClient otherOrg;
    private static AdminClient operator;
    /** A resource server of acme reporting acme's keys. */
    private static AdminClient acmeReporter;

    @BeforeAll
    static void start() {
        // Last-used times are written when a test flushes them, never by the schedule between two assertions.
        server = KeymintServer.onFreshDatabase().property("keymint.operator-org", "platform")
                .property("keymint.keys.last-used-flush-interval", "1h").start();
        acme = AdminClient.of(server, server.bootstrap("acme", "*:*"));
        reporter = AdminClient.of(server, server.bootstrap("acme-api", "admin:usage-reports/**"));
        otherOrg = AdminClient.of(server, server.bootstrap("globex", "*:*"));
        operator = AdminClient.of(server, server.bootstrap("platform", "admin:usage-reports/**"));
        acmeReporter = clientOfNewKey("admin:usage-reports/**");
    }

    private static AdminClient clientOfNewKey(String scope) {
        JsonNode key = createKey("{\"name\": \"" + scope + "\", \"scopes\": [\"" + scope + "\"]}");
        return AdminClient.withToken(server, new TokenClient(server.tokenEndpoint())
                .basic(key.get("id").asString(), key.get("api_key").asString(), "grant_type", "client_credentials")
                .accessToken());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void reportedRequestsShowNextToTokenExchangesPerKeyAndOrganizationAndMoveLastUsed() {
        JsonNode key = createKey("{\"name\": \"reported\", \"scopes\": [\"read:x/**\"]}");
        String id = key.get("id").asString();
        new TokenClient(server.tokenEndpoint()).basic(id, key.get("api_key").asString(), "grant_type", "client_credentials")
                .accessToken();
        Instant lastRequest = Instant.now().minusSeconds(30).truncatedTo(ChronoUnit.SECONDS);

        Response booked = acmeReporter.post("/usage-reports", report(UUID.randomUUID().toString(),
                entry(id, 120, 3, 2, 4200, lastRequest)));
        Response again = acmeReporter.post("/usage-reports", report(UUID.randomUUID().toString(),
                entry(id, 5, 0, 0, 0, null)));

        assertThat(booked.status()).isEqualTo(200);
        assertThat(booked.json().get("duplicate").asBoolean()).isFalse();
        assertThat(booked.json().get("accepted").asInt()).isEqualTo(1);
        assertThat(booked.json().get("ignored").asInt()).isZero();
        assertThat(again.status()).isEqualTo(200);
        JsonNode keyUsage = acme.get("/usage/keys/" + id).json();
        assertThat(keyUsage.get("totals").get("issued").asLong()).isEqualTo(1);
        assertThat(keyUsage.get("api_totals").get("allowed").asLong()).isEqualTo(125);
        assertThat(keyUsage.get("api_totals").get("refused_scope").asLong()).isEqualTo(3);
        assertThat(keyUsage.get("api_totals").get("refused_rate").asLong()).isEqualTo(2);
        assertThat(keyUsage.get("api_totals").get("cost").asLong()).isEqualTo(4200);
        JsonNode hour = keyUsage.get("hours").get(0);
        assertThat(hour.get("counts").get("issued").asLong()).isEqualTo(1);
        assertThat(hour.get("api_requests").get("allowed").asLong()).isEqualTo(125);
        // The second report had no time: the request counted "now", after the reported time.
        assertThat(Instant.parse(keyUsage.get("last_used_at").asString())).isAfter(lastRequest);
        JsonNode orgUsage = acme.get("/usage").json();
        assertThat(orgUsage.get("api_totals").get("allowed").asLong()).isGreaterThanOrEqualTo(125);
        assertThat(orgUsage.get("api_totals").get("cost").asLong()).isGreaterThanOrEqualTo(4200);
    }

    @Test
    void lastUsedNeverMovesBackwards() {
        String id = createKey("{\"name\": \"late report\", \"scopes\": [\"read:x/**\"]}").get("id").asString();
        Instant recent = Instant.now().minusSeconds(5).truncatedTo(ChronoUnit.SECONDS);
        acmeReporter.post("/usage-reports", report(UUID.randomUUID().toString(), entry(id, 1, 0, 0, 0, recent)));
        server.bean(LastUsedRecorder.class).flush();

        acmeReporter.post("/usage-reports", report(UUID.randomUUID().toString(),
                entry(id, 1, 0, 0, 0, recent.minusSeconds(3600))));
        server.bean(LastUsedRecorder.class).flush();

        assertThat(Instant.parse(acme.get("/keys/" + id).json().get("last_used_at").asString())).isEqualTo(recent);
    }

    @Test
    void aReportsLastUsedTimesAreWrittenWithTheTokenPathsBatchNotByTheReport() {
        String id = createKey("{\"name\": \"batched last use\", \"scopes\": [\"read:x/**\"]}").get("id").asString();
        Instant reported = Instant.now().minusSeconds(20).truncatedTo(ChronoUnit.SECONDS);

        Response booked = acmeReporter.post("/usage-reports", report(UUID.randomUUID().toString(),
                entry(id, 3, 0, 0, 0, reported)));

        assertThat(booked.status()).isEqualTo(200);
        assertThat(server.row("select last_used_at from api_keys where id = ?", id).get("last_used_at"))
                .as("not written by the report's own transaction").isNull();
        server.bean(LastUsedRecorder.class).flush();
        assertThat(((Timestamp) server.row("select last_used_at from api_keys where id = ?", id).get("last_used_at"))
                .toInstant()).isEqualTo(reported);
    }

    @Test
    void aReplayedBatchIdIsAnsweredAsADuplicateAndCountedOnce() {
        String id = createKey("{\"name\": \"retried\", \"scopes\": [\"read:x/**\"]}").get("id").asString();
        String body = report("batch-" + UUID.randomUUID(), entry(id, 7, 0, 0, 70, null) + ","
                + entry("UnknownKey000000", 3, 0, 0, 0, null));

        Response first = acmeReporter.post("/usage-reports", body);
        Response retry = acmeReporter.post("/usage-reports", body);

        assertThat(first.json().get("duplicate").asBoolean()).isFalse();
        assertThat(retry.status()).isEqualTo(200);
        assertThat(retry.json().get("duplicate").asBoolean()).isTrue();
        assertThat(retry.json().get("accepted").asInt()).isEqualTo(1);
        assertThat(retry.json().get("ignored").asInt()).isEqualTo(1);
        JsonNode totals = acme.get("/usage/keys/" + id).json().get("api_totals");
        assertThat(totals.get("allowed").asLong()).isEqualTo(7);
        assertThat(totals.get("cost").asLong()).isEqualTo(70);
    }

    @Test
    void batchIdsAreRememberedForAWeekAndThenForgotten() {
        String id = createKey("{\"name\": \"week-old batch\", \"scopes\": [\"read:x/**\"]}").get("id").asString();
        String weekOld = "week-" + UUID.randomUUID();
        String monthOld = "month-" + UUID.randomUUID();
        acmeReporter.post("/usage-reports", report(weekOld, entry(id, 1, 0, 0, 0, null)));
        acmeReporter.post("/usage-reports", report(monthOld, entry(id, 1, 0, 0, 0, null)));
        server.jdbc().sql("update usage_report_batches set received_at = now() - interval '7 days 23 hours' where batch_id = ?")
                .param(weekOld).update();
        server.jdbc().sql("update usage_report_batches set received_at = now() - interval '30 days' where batch_id = ?")
                .param(monthOld).update();

        server.bean(UsageReports.class).forgetOldBatches();

        assertThat(acmeReporter.post("/usage-reports", report(weekOld, entry(id, 1, 0, 0, 0, null)))
                .json().get("duplicate").asBoolean()).isTrue();
        assertThat(acmeReporter.post("/usage-reports", report(monthOld, entry(id, 1, 0, 0, 0, null)))
                .json().get("duplicate").asBoolean()).isFalse();
    }

    @Test
    void aReporterOfAnotherOrganizationIsIgnoredButTheOperatorMayReportForAnyOrganization() {
        String id = createKey("{\"name\": \"served by a platform\", \"scopes\": [\"read:x/**\"]}").get("id").asString();

        Response foreign = otherOrg.post("/usage-reports", report(UUID.randomUUID().toString(), entry(id, 50, 0, 0, 0, null)));
        Response sameOrgOtherReporter = reporter.post("/usage-reports",
                report(UUID.randomUUID().toString(), entry(id, 60, 0, 0, 0, null)));
        Response platform = operator.post("/usage-reports", report(UUID.randomUUID().toString(), entry(id, 9, 0, 0, 0, null)));

        assertThat(foreign.status()).isEqualTo(200);
        assertThat(foreign.json().get("accepted").asInt()).isZero();
        assertThat(foreign.json().get("ignored").asInt()).isEqualTo(1);
        // "acme-api" is an organization of its own: not acme's.
        assertThat(sameOrgOtherReporter.json().get("ignored").asInt()).isEqualTo(1);
        assertThat(platform.json().get("accepted").asInt()).isEqualTo(1);
        assertThat(acme.get("/usage/keys/" + id).json().get("api_totals").get("allowed").asLong()).isEqualTo(9);
    }

    @Test
    void aReporterWithoutTheScopeIsRefusedAndBooksNothing() {
        String id = createKey("{\"name\": \"unreported\", \"scopes\": [\"read:x/**\"]}").get("id").asString();
        AdminClient usageReader = clientOfNewKey("admin:usage/**");

        Response refused = usageReader.post("/usage-reports", report(UUID.randomUUID().toString(), entry(id, 1, 0, 0, 0, null)));
        Response anonymous = AdminClient.withToken(server, null).post("/usage-reports",
                report(UUID.randomUUID().toString(), entry(id, 1, 0, 0, 0, null)));

        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
        assertThat(refused.header("WWW-Authenticate")).contains("scope=\"admin:usage-reports/**\"");
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(acme.get("/usage/keys/" + id).json().get("api_totals").get("allowed").asLong()).isZero();
    }

    @Test
    void malformedReportsAre400AndBookNothingNotEvenTheirBatchId() {
        String id = createKey("{\"name\": \"bad reports\", \"scopes\": [\"read:x/**\"]}").get("id").asString();
        String batch = "b-" + UUID.randomUUID();
        String good = entry(id, 1, 0, 0, 0, null);
        String[] bad = {
                report(batch, good + "," + entry(id, -1, 0, 0, 0, null).replace("\"client_id\": \"" + id, "\"client_id\": \"Other000000000000")),
                report(batch, good.replace("\"allowed\": 1", "\"allowed\": -1")),
                report(batch, good.replace("\"allowed\": 1", "\"allowed\": 1000000000001")),
                report(batch, good.replace("\"allowed\": 1", "\"allowed\": 99999999999999999999999")),
                report(batch, good.replace("\"allowed\": 1", "\"allowed\": 1.5")),
                report(batch, good.replace("\"allowed\": 1", "\"allowed\": \"1\"")),
                report(batch, good.replace("\"cost\": 0", "\"cost\": 1000000000000001")),
                report(batch, good + "," + good),
                report(batch, good.replace("\"allowed\": 1", "\"allowed\": 1, \"allowed\": 2")),
                report(batch, good.replace("\"allowed\": 1", "\"allowed\": 1, \"extra\": 2")),
                report(batch, good.replace("}", ", \"last_request_at\": \"" + Instant.now().plusSeconds(3600) + "\"}")),
                report(batch, good.replace("}", ", \"last_request_at\": \"yesterday\"}")),
                report("not a batch id!", good),
                report("x".repeat(65), good),
                "{\"keys\": [" + good + "]}",
                "{\"batch_id\": \"" + batch + "\", \"keys\": [" + good + "], \"more\": 1}",
                "{\"batch_id\": \"" + batch + "\", \"keys\": {}}",
                "{\"batch_id\": \"" + batch + "\", \"keys\": [" + good + "]",
                "[]",
                "not json",
        };
        for (String body : bad) {
            Response response = acmeReporter.post("/usage-reports", body);
            assertThat(response.status()).as(body).isEqualTo(400);
            assertThat(response.header("Content-Type")).as(body).startsWith("application/problem+json");
        }

        assertThat(acme.get("/usage/keys/" + id).json().get("api_totals").get("allowed").asLong()).isZero();
        Response later = acmeReporter.post("/usage-reports", report(batch, good));
        assertThat(later.json().get("duplicate").asBoolean()).isFalse();
        assertThat(acme.get("/usage/keys/" + id).json().get("api_totals").get("allowed").asLong()).isEqualTo(1);
    }

    @Test
    void apiRequestsPerMinuteIsKeptApartFromTokenRequestsPerMinuteAndCarriedInEveryToken() throws Exception {
        JsonNode key = createKey("{\"name\": \"limited\", \"scopes\": [\"read:x/**\"], \"rate_limit_per_minute\": 600,"
                + " \"api_requests_per_minute\": 100}");
        String id = key.get("id").asString();
        assertThat(key.get("rate_limit_per_minute").asInt()).isEqualTo(600);
        assertThat(key.get("api_requests_per_minute").asInt()).isEqualTo(100);
        TokenClient tokens = new TokenClient(server.tokenEndpoint());
        String token = tokens.basic(id, key.get("api_key").asString(), "grant_type", "client_credentials").accessToken();
        assertThat(SignedJWT.parse(token).getJWTClaimsSet().getLongClaim("api_requests_per_minute")).isEqualTo(100);

        assertThat(acme.patch("/keys/" + id, "{\"api_requests_per_minute\": 0}").status()).isEqualTo(400);
        assertThat(acme.patch("/keys/" + id, "{\"api_requests_per_minute\": 1000001}").status()).isEqualTo(400);
        assertThat(acme.patch("/keys/" + id, "{\"api_requests_per_minute\": \"5\"}").status()).isEqualTo(400);
        assertThat(acme.get("/keys/" + id).json().get("api_requests_per_minute").asInt()).isEqualTo(100);
        assertThat(acme.patch("/keys/" + id, "{\"api_requests_per_minute\": 2500}").json()
                .get("api_requests_per_minute").asInt()).isEqualTo(2500);
        String second = tokens.basic(id, key.get("api_key").asString(), "grant_type", "client_credentials").accessToken();
        assertThat(SignedJWT.parse(second).getJWTClaimsSet().getLongClaim("api_requests_per_minute")).isEqualTo(2500);

        acme.patch("/keys/" + id, "{\"api_requests_per_minute\": null}");
        String unlimited = tokens.basic(id, key.get("api_key").asString(), "grant_type", "client_credentials").accessToken();
        assertThat(SignedJWT.parse(unlimited).getJWTClaimsSet().getClaims()).doesNotContainKey("api_requests_per_minute");
        assertThat(acme.get("/keys/" + id).json().get("rate_limit_per_minute").asInt()).isEqualTo(600);
    }

    @Test
    void aSpentRequestBudgetRefusesTheKeyAtTheTokenEndpointUntilThePeriodEndsOrTheBudgetIsRaised() {
        JsonNode key = createKey("{\"name\": \"budgeted\", \"scopes\": [\"read:x/**\"],"
                + " \"request_budget\": {\"limit\": 100, \"period\": \"day\"}}");
        String id = key.get("id").asString();
        String apiKey = key.get("api_key").asString();
        assertThat(key.get("request_budget").get("limit").asLong()).isEqualTo(100);
        assertThat(key.get("request_budget").get("period").asString()).isEqualTo("day");
        assertThat(key.get("over_budget").asBoolean()).isFalse();
        TokenClient tokens = new TokenClient(server.tokenEndpoint());

        acmeReporter.post("/usage-reports", report(UUID.randomUUID().toString(), entry(id, 99, 40, 40, 0, null)));
        assertThat(tokens.basic(id, apiKey, "grant_type", "client_credentials").status()).isEqualTo(200);
        acmeReporter.post("/usage-reports", report(UUID.randomUUID().toString(), entry(id, 1, 0, 0, 0, null)));

        Response refused = tokens.basic(id, apiKey, "grant_type", "client_credentials");
        Instant tomorrow = LocalDate.now(ZoneOffset.UTC).plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.field("error")).isEqualTo("quota_exceeded");
        long retryAfter = Long.parseLong(refused.header("Retry-After"));
        assertThat(Instant.now().plusSeconds(retryAfter)).isBetween(tomorrow.minusSeconds(5), tomorrow.plusSeconds(5));
        JsonNode view = acme.get("/keys/" + id).json();
        assertThat(view.get("over_budget").asBoolean()).isTrue();
        assertThat(Instant.parse(view.get("over_budget_until").asString())).isEqualTo(tomorrow);
        assertThat(view.get("status").asString()).isEqualTo("active");

        JsonNode raised = acme.patch("/keys/" + id, "{\"request_budget\": {\"limit\": 1000, \"period\": \"day\"}}").json();
        assertThat(raised.get("over_budget").asBoolean()).isFalse();
        assertThat(tokens.basic(id, apiKey, "grant_type", "client_credentials").status()).isEqualTo(200);
        JsonNode lowered = acme.patch("/keys/" + id, "{\"request_budget\": {\"limit\": 50, \"period\": \"day\"}}").json();
        assertThat(lowered.get("over_budget").asBoolean()).isTrue();
        assertThat(tokens.basic(id, apiKey, "grant_type", "client_credentials").status()).isEqualTo(429);
    }

    @Test
    void aSpentCostBudgetWithoutResetPeriodRefusesTheKeyUntilAnAdminRemovesIt() {
        JsonNode key = createKey("{\"name\": \"cost budget\", \"scopes\": [\"read:x/**\"],"
                + " \"cost_budget\": {\"limit\": 5000, \"period\": \"none\"}}");
        String id = key.get("id").asString();
        String apiKey = key.get("api_key").asString();
        TokenClient tokens = new TokenClient(server.tokenEndpoint());
        String liveToken = tokens.basic(id, apiKey, "grant_type", "client_credentials").accessToken();
        JsonNode introspector = createKey("{\"name\": \"introspector\", \"scopes\": [\"read:introspection\"]}");
        TokenClient introspect = new TokenClient(server.baseUrl() + "/oauth/introspect");
        Supplier<Boolean> liveTokenActive = () -> introspect.basic(introspector.get("id").asString(),
                introspector.get("api_key").asString(), "token", liveToken).json().get("active").asBoolean();
        assertThat(liveTokenActive.get()).isTrue();

        acmeReporter.post("/usage-reports", report(UUID.randomUUID().toString(), entry(id, 1, 0, 0, 5000, null)));
        assertThat(liveTokenActive.get()).as("a token minted before the budget was spent, introspected after").isFalse();

        Response refused = tokens.basic(id, apiKey, "grant_type", "client_credentials");
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.field("error")).isEqualTo("quota_exceeded");
        assertThat(refused.header("Retry-After")).isNotNull();
        JsonNode view = acme.get("/keys/" + id).json();
        assertThat(view.get("over_budget").asBoolean()).isTrue();
        assertThat(view.path("over_budget_until").isMissingNode() || view.get("over_budget_until").isNull()).isTrue();
        acme.patch("/keys/" + id, "{\"cost_budget\": null}");
        assertThat(tokens.basic(id, apiKey, "grant_type", "client_credentials").status()).isEqualTo(200);
        assertThat(liveTokenActive.get()).isTrue();
    }

    @Test
    void budgetFieldsAreValidated() {
        String base = "{\"name\": \"b\", \"scopes\": [\"read:x/**\"], ";
        for (String field : new String[] {
                "\"request_budget\": {\"limit\": 0, \"period\": \"day\"}",
                "\"request_budget\": {\"limit\": 1000000000001, \"period\": \"day\"}",
                "\"request_budget\": {\"limit\": 10, \"period\": \"year\"}",
                "\"request_budget\": {\"limit\": 10}",
                "\"request_budget\": {\"limit\": 10, \"period\": \"day\", \"x\": 1}",
                "\"request_budget\": 10",
                "\"cost_budget\": {\"limit\": 1000000000000001, \"period\": \"month\"}",
        }) {
            Response response = acme.post("/keys", base + field + "}");
            assertThat(response.status()).as(field).isEqualTo(400);
        }
        JsonNode week = createKey(base + "\"cost_budget\": {\"limit\": 1000000000000000, \"period\": \"week\"}}");
        assertThat(week.get("cost_budget").get("period").asString()).isEqualTo("week");
    }

    private static JsonNode createKey(String body) {
        Response created = acme.post("/keys", body);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json();
    }

    static String report(String batchId, String entries) {
        return "{\"batch_id\": \"" + batchId + "\", \"keys\": [" + entries + "]}";
    }

    static String entry(String clientId, long allowed, long refusedScope, long refusedRate, long cost, Instant lastRequestAt) {
        return "{\"client_id\": \"" + clientId + "\", \"allowed\": " + allowed + ", \"refused_scope\": " + refusedScope
                + ", \"refused_rate\": " + refusedRate + ", \"cost\": " + cost
                + (lastRequestAt == null ? "" : ", \"last_request_at\": \"" + lastRequestAt + "\"") + "}";
    }
}
