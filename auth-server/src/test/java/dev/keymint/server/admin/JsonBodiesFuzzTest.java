package dev.keymint.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.keymint.sdk.Scope;
import dev.keymint.server.keys.Quota;
import dev.keymint.server.network.CidrRange;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.springframework.mock.web.MockHttpServletRequest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Fuzz test of the admin API's request binding ({@link JsonBodies}), on the body of
 * {@code POST /admin/v1/keys}: whatever the bytes, the only failure is an {@link AdminProblem}
 * with a 4xx status (never another exception, so never a 500), and a body it accepts holds only
 * known members, each within its documented bounds, and converts to the domain's values.
 *
 * <p>The request is Spring's {@link MockHttpServletRequest}: a plain in-memory servlet request that
 * carries the fuzzed bytes, so that the fuzzer runs the binding thousands of times per second.
 */
class JsonBodiesFuzzTest {

    private static final Set<String> FIELDS = Set.of("name", "scopes", "expires_at", "allowed_cidrs",
            "rate_limit_per_minute", "quota", "api_requests_per_minute", "request_budget", "cost_budget", "team", "owner");
    private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final JsonBodies BODIES = new JsonBodies(JSON, Clock.fixed(NOW, ZoneOffset.UTC));

    @FuzzTest(maxDuration = "5m")
    void keyBodyIsAcceptedOnlyWithinBounds(byte[] input) {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/admin/v1/keys");
        request.setContentType("application/json");
        request.setContent(input);
        try {
            KeyRequests.NewKey body = BODIES.read(request, KeyRequests.NewKey.class);

            JsonNode root = JSON.readTree(input);
            assertThat(root.propertyNames()).isSubsetOf(FIELDS);
            assertLabel(body.name());
            assertThat(body.name()).isNotNull();
            List<Scope> scopes = KeyRequests.scopes(body.scopes());
            assertThat(scopes).isNotEmpty().doesNotHaveDuplicates().hasSizeLessThanOrEqualTo(FieldRules.MAX_LIST);
            if (body.expiresAt() != null) {
                assertThat(body.expiresAt()).isAfter(NOW).isBefore(NOW.plus(Duration.ofDays(3661)));
            }
            List<CidrRange> cidrs = KeyRequests.cidrs(body.allowedCidrs());
            if (cidrs != null) {
                assertThat(cidrs).doesNotHaveDuplicates().hasSizeLessThanOrEqualTo(FieldRules.MAX_LIST);
            }
            if (body.rateLimitPerMinute() != null) {
                assertThat(body.rateLimitPerMinute()).isBetween(1, 1_000_000);
            }
            Quota quota = KeyRequests.QuotaBody.quota(body.quota());
            if (quota != null) {
                assertThat(quota.limit()).isBetween(1L, Quota.MAX_LIMIT);
            }
            body.apiLimits(); // the budgets' own constructors accept what the rules let through
            assertLabel(body.team());
            assertLabel(body.owner());
        } catch (AdminProblem problem) {
            assertThat(problem.problem().getStatus()).isIn(400, 413);
        }
    }

    private static void assertLabel(String value) {
        if (value != null) {
            String stored = KeyRequests.label(value);
            assertThat(stored).isNotBlank().hasSizeLessThanOrEqualTo(FieldRules.MAX_TEXT);
            assertThat(stored.codePoints().noneMatch(Character::isISOControl)).as("no control characters in %s", stored)
                    .isTrue();
        }
    }
}
