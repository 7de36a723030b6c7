package dev.keymint.server.admin;

import dev.keymint.server.admin.AdminProblem.FieldError;
import dev.keymint.server.usage.UsageReports;
import dev.keymint.server.usage.UsageReports.Outcome;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * {@code POST /admin/v1/usage-reports}: resource servers report the API requests they verified
 * (requires {@code admin:usage-reports/**}). A key of the operator organization may report usage
 * of any organization's keys (a platform's API serves many organizations); any other reporter only
 * of its own organization's keys (and its team's, when its token names a team): entries for other
 * keys, like entries for keys that do not exist, are ignored and counted as such, since a reporter
 * cannot know which of the keys it saw are Keymint's to count. Anything malformed is a 400 and
 * books nothing.
 */
@RestController
@ConditionalOnWebApplication
class UsageReportsController {

    static final int MAX_BODY_BYTES = 4 * 1024 * 1024;
    static final int MAX_KEYS = 10_000;
    static final long MAX_COUNT = 1_000_000_000_000L;
    static final long MAX_COST = 1_000_000_000_000_000L;
    private static final String BATCH_ID = "must be 1-64 characters of A-Z a-z 0-9 . _ - (e.g. a UUID)";
    private static final String CLIENT_ID = "must be a key id (1-64 printable ASCII characters)";
    private static final String COUNT = "must be an integer from 0 to " + MAX_COUNT;
    private static final String COST = "must be an integer from 0 to " + MAX_COST;
    private static final int MAX_ATTEMPTS = 3;

    private final UsageReports reports;
    private final AdminCallers callers;
    private final JsonBodies bodies;

    UsageReportsController(UsageReports reports, AdminCallers callers, JsonBodies bodies) {
        this.reports = reports;
        this.callers = callers;
        this.bodies = bodies;
    }

    @PostMapping(AdminSecurityConfiguration.BASE + "/usage-reports")
    Booked report(HttpServletRequest request) {
        AdminCaller caller = callers.current(request);
        Report report = bodies.read(request, Report.class, MAX_BODY_BYTES);
        List<FieldError> repeated = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < report.keys().size() && repeated.size() < JsonBodies.MAX_ERRORS; i++) {
            if (!seen.add(report.keys().get(i).clientId())) {
                repeated.add(new FieldError("keys[" + i + "].client_id", "appears more than once in the report"));
            }
        }
        if (!repeated.isEmpty()) {
            throw AdminProblem.invalid(repeated);
        }
        Outcome outcome = book(caller, report.batchId(), report.keys().stream().map(Entry::booked).toList());
        return new Booked(report.batchId(), outcome.duplicate(), outcome.accepted(), outcome.ignored());
    }

    /**
     * Books the report, again when PostgreSQL chose its transaction to break a deadlock (reports,
     * last-used flushes and admin changes touching the same keys at once): it was rolled back
     * whole, batch id included, so booking it again counts it once.
     */
    private Outcome book(AdminCaller caller, String batchId, List<UsageReports.Entry> entries) {
        boolean operator = callers.isOperator(caller);
        for (int attempt = 1; ; attempt++) {
            try {
                return reports.book(caller.keyId(), operator ? null : caller.organizationId(),
                        operator ? null : caller.team(), batchId, entries);
            } catch (PessimisticLockingFailureException e) {
                if (attempt == MAX_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    /** The body: {@code {"batch_id": "…", "keys": [{client_id, allowed, refused_scope, refused_rate, cost, last_request_at}]}}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Report(
            @NotNull(message = BATCH_ID) @Pattern(regexp = "[A-Za-z0-9._-]{1,64}", message = BATCH_ID) String batchId,
            @NotNull(message = "must be an array of {client_id, allowed, refused_scope, refused_rate, cost, last_request_at}")
            @Size(max = MAX_KEYS, message = "must have at most " + MAX_KEYS + " entries; send several reports")
            List<@NotNull(message = "must be an object") @Valid Entry> keys) {
    }

    /** One key's counts since the reporter's last report; a count left out or null is 0. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Entry(
            @NotNull(message = CLIENT_ID) @Pattern(regexp = "[\\x21-\\x7e]{1,64}", message = CLIENT_ID) String clientId,
            @Min(value = 0, message = COUNT) @Max(value = MAX_COUNT, message = COUNT) Long allowed,
            @Min(value = 0, message = COUNT) @Max(value = MAX_COUNT, message = COUNT) Long refusedScope,
            @Min(value = 0, message = COUNT) @Max(value = MAX_COUNT, message = COUNT) Long refusedRate,
            @Min(value = 0, message = COST) @Max(value = MAX_COST, message = COST) Long cost,
            @FieldRules.ReportedAt Instant lastRequestAt) {

        UsageReports.Entry booked() {
            return new UsageReports.Entry(clientId, zeroIfNull(allowed), zeroIfNull(refusedScope),
                    zeroIfNull(refusedRate), zeroIfNull(cost), lastRequestAt);
        }

        private static long zeroIfNull(Long count) {
            return count == null ? 0 : count;
        }
    }

    /** What became of a report: {@code duplicate} when its batch id was booked before (then nothing was booked again). */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Booked(String batchId, boolean duplicate, int accepted, int ignored) {
    }
}
