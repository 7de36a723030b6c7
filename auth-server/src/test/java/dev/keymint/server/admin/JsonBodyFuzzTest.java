package dev.keymint.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.keymint.sdk.Scope;
import dev.keymint.server.keys.Quota;
import dev.keymint.server.network.CidrRange;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.springframework.mock.web.MockHttpServletRequest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Fuzz test of the admin API's request body reader, read field by field as
 * {@code POST /admin/v1/keys} does: whatever the bytes, the only failure is an
 * {@link AdminProblem} with a 4xx status (never another exception, so never a 500), and a body it
 * accepts holds only known fields, each within its documented bounds.
 *
 * <p>The request is Spring's {@link MockHttpServletRequest}: a plain in-memory servlet request that
 * carries the fuzzed bytes, so that the fuzzer runs the parser thousands of times per second.
 */
class JsonBodyFuzzTest {

    private static final Set<String> FIELDS = Set.of("name", "scopes", "expires_at", "allowed_cidrs",
            "rate_limit_per_minute", "quota", "team", "owner");
    private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @FuzzTest(maxDuration = "5m")
    void keyBodyIsAcceptedOnlyWithinBounds(byte[] input) {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/admin/v1/keys");
        request.setContentType("application/json");
        request.setContent(input);
        try {
            JsonBody body = JsonBody.read(request, JSON, FIELDS);
            String name = body.text("name", true);
            List<Scope> scopes = body.scopes("scopes");
            if (!body.has("scopes") || body.isNull("scopes")) {
                body.error("scopes", "is required");
            }
            Instant expiresAt = body.futureInstant("expires_at", NOW);
            List<CidrRange> cidrs = body.cidrs("allowed_cidrs");
            Long rate = body.integer("rate_limit_per_minute", 1, 1_000_000);
            Quota quota = body.quota("quota");
            String team = body.text("team", false);
            String owner = body.text("owner", false);
            body.done();

            JsonNode root = JSON.readTree(input);
            assertThat(root.propertyNames()).isSubsetOf(FIELDS);
            assertText(name);
            assertThat(name).isNotNull();
            assertThat(scopes).isNotEmpty().doesNotHaveDuplicates().hasSizeLessThanOrEqualTo(JsonBody.MAX_LIST);
            assertThat(new HashSet<>(scopes.stream().map(s -> Scope.parse(s.toString())).toList()))
                    .containsExactlyInAnyOrderElementsOf(scopes);
            if (expiresAt != null) {
                assertThat(expiresAt).isAfter(NOW).isBefore(NOW.plus(Duration.ofDays(3661)));
            }
            if (cidrs != null) {
                assertThat(cidrs).doesNotHaveDuplicates().hasSizeLessThanOrEqualTo(JsonBody.MAX_LIST);
            }
            if (rate != null) {
                assertThat(rate).isBetween(1L, 1_000_000L);
            }
            if (quota != null) {
                assertThat(quota.limit()).isBetween(1L, Quota.MAX_LIMIT);
            }
            assertText(team);
            assertText(owner);
        } catch (AdminProblem problem) {
            assertThat(problem.problem().getStatus()).isIn(400, 413);
        }
    }

    private static void assertText(String value) {
        if (value != null) {
            assertThat(value).isNotBlank().hasSizeLessThanOrEqualTo(JsonBody.MAX_TEXT);
            assertThat(value.codePoints().noneMatch(Character::isISOControl)).as("no control characters in %s", value)
                    .isTrue();
        }
    }
}
