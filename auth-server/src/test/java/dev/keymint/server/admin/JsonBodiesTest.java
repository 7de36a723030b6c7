package dev.keymint.server.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.keymint.server.admin.AdminProblem.FieldError;
import dev.keymint.server.testsupport.OpenApiConformance;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * The admin request binding on its own, without a server: what a client sees in the {@code errors}
 * of a 400 for each kind of mistake, and the three states of a PATCH member.
 */
class JsonBodiesTest {

    private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");
    private static final JsonBodies BODIES = new JsonBodies(JsonMapper.builder().build(), Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void createWhenManyMistakesThenEveryFieldIsNamedInOneProblem() {
        List<FieldError> errors = errors(KeyRequests.NewKey.class, """
                {"name": " ", "scopes": ["read:x", "oops"], "allowed_cidrs": ["1.2.3.4/33"], "extra": 1,
                 "quota": {"limit": 0, "period": "year", "x": true}, "rate_limit_per_minute": 0,
                 "expires_at": "2001-01-01T00:00:00Z", "cost_budget": {"limit": 5, "period": "none"},
                 "request_budget": {"limit": 1000000000001, "period": "day"}}""");

        assertThat(errors).extracting(FieldError::field).containsExactlyInAnyOrder("extra", "quota.x", "name",
                "scopes[1]", "allowed_cidrs[0]", "quota.limit", "quota.period", "rate_limit_per_minute", "expires_at",
                "request_budget.limit");
        assertThat(errors).contains(new FieldError("expires_at", "must be in the future"),
                new FieldError("extra", "unknown field"), new FieldError("quota.period", "must be day, week or month"),
                new FieldError("request_budget.limit", "must be an integer from 1 to 1000000000000"));
    }

    @Test
    void valuesOfTheWrongShapeAreRefusedNotCoerced() {
        assertThat(errors(KeyRequests.NewKey.class, "{\"name\": \"x\", \"scopes\": \"read:x\", \"owner\": [\"o\"]}"))
                .extracting(FieldError::field).containsExactlyInAnyOrder("scopes", "owner");
        for (String body : List.of("{\"name\": 7, \"scopes\": [\"read:x\"]}",
                "{\"name\": \"x\", \"scopes\": [7]}",
                "{\"name\": \"x\", \"scopes\": [\"read:x\"], \"rate_limit_per_minute\": \"10\"}",
                "{\"name\": \"x\", \"scopes\": [\"read:x\"], \"rate_limit_per_minute\": 1.5}",
                "{\"name\": \"x\", \"scopes\": [\"read:x\"], \"rate_limit_per_minute\": 99999999999999999999999}",
                "{\"name\": \"x\", \"scopes\": [\"read:x\"], \"quota\": 5}",
                "{\"name\": \"x\", \"scopes\": [\"read:x\"], \"expires_at\": 1893456000}",
                "{\"name\": \"x\", \"scopes\": [\"read:x\"], \"expires_at\": \"2030-01-01\"}")) {
            assertThat(errors(KeyRequests.NewKey.class, body)).as(body).hasSize(1);
        }
        assertThat(errors(KeyRequests.NewKey.class, "{\"name\": \"x\", \"scopes\": [7]}"))
                .containsExactly(new FieldError("scopes[0]", "must be a string"));
    }

    @Test
    void duplicateMemberIsNamed() {
        AdminProblem problem = problem(KeyRequests.NewKey.class, "{\"name\": \"a\", \"name\": \"b\", \"scopes\": [\"x:y\"]}");

        assertThat(problem.problem().getDetail()).contains("duplicate member \"name\"");
    }

    @Test
    void patchTellsAbsentFromNullFromValue() {
        KeyRequests.KeyPatch patch = BODIES.read(bytes("{\"team\": null, \"owner\": \"  ops  \"}"),
                KeyRequests.KeyPatch.class);

        assertThat(patch.name().present()).isFalse();
        assertThat(patch.team().cleared()).isTrue();
        assertThat(patch.owner().map(KeyRequests::label).toString()).isEqualTo("set");
        assertThat(errors(KeyRequests.KeyPatch.class, "{\"name\": null, \"scopes\": null, \"quota\": null}"))
                .containsExactlyInAnyOrder(new FieldError("name", "cannot be null"), new FieldError("scopes", "cannot be null"));
        assertThat(errors(KeyRequests.KeyPatch.class, "{\"scopes\": [\"bogus\"], \"rate_limit_per_minute\": -1}"))
                .extracting(FieldError::field).containsExactlyInAnyOrder("scopes[0]", "rate_limit_per_minute");
    }

    @Test
    void usageReportEntriesAreNamedByIndex() {
        List<FieldError> errors = errors(UsageReportsController.Report.class, """
                {"batch_id": "b 1", "keys": [{"client_id": "k", "allowed": -1},
                 {"client_id": "", "last_request_at": "2026-06-01T00:10:00Z", "x": 1}]}""");

        assertThat(errors).extracting(FieldError::field).containsExactlyInAnyOrder("batch_id", "keys[0].allowed",
                "keys[1].x", "keys[1].client_id", "keys[1].last_request_at");
    }

    /** The request records are the code's word on what a body may hold; the document must say the same. */
    @Test
    void requestRecordsHaveExactlyTheMembersTheOpenApiDocumentNames() {
        assertThat(members(KeyRequests.NewKey.class)).isEqualTo(properties("/components/schemas/KeyCreate"));
        assertThat(members(KeyRequests.KeyPatch.class)).isEqualTo(properties("/components/schemas/KeyPatch"));
        assertThat(members(KeyRequests.QuotaBody.class)).isEqualTo(properties("/components/schemas/Quota"));
        assertThat(members(KeyRequests.BudgetBody.class)).isEqualTo(properties("/components/schemas/Budget"));
        assertThat(members(KeyRequests.Reroll.class)).isEqualTo(properties("/components/schemas/KeyReroll"));
        assertThat(members(UsageReportsController.Report.class)).isEqualTo(properties("/components/schemas/UsageReport"));
        assertThat(members(UsageReportsController.Entry.class))
                .isEqualTo(properties("/components/schemas/UsageReport/properties/keys/items"));
    }

    private static Set<String> members(Class<? extends Record> type) {
        return Arrays.stream(type.getRecordComponents())
                .map(component -> component.getName().replaceAll("([A-Z])", "_$1").toLowerCase(Locale.ROOT))
                .collect(Collectors.toSet());
    }

    private static Set<String> properties(String pointer) {
        Set<String> names = new HashSet<>();
        OpenApiConformance.document().at(pointer).get("properties").propertyNames().forEach(names::add);
        return names;
    }

    private static List<FieldError> errors(Class<?> type, String body) {
        @SuppressWarnings("unchecked")
        List<FieldError> errors = (List<FieldError>) problem(type, body).problem().getProperties().get("errors");
        return errors;
    }

    private static AdminProblem problem(Class<?> type, String body) {
        AdminProblem problem = catchThrowableOfType(AdminProblem.class, () -> BODIES.read(bytes(body), type));
        assertThat(problem).as(body).isNotNull();
        return problem;
    }

    private static byte[] bytes(String body) {
        return body.getBytes(StandardCharsets.UTF_8);
    }
}
