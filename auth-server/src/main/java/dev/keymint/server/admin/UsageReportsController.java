package dev.keymint.server.admin;

import dev.keymint.server.usage.UsageReports;
import dev.keymint.server.usage.UsageReports.Entry;
import dev.keymint.server.usage.UsageReports.Outcome;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

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
    private static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);
    private static final Pattern BATCH_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Set<String> FIELDS = Set.of("batch_id", "keys");
    private static final Set<String> ENTRY_FIELDS = Set.of("client_id", "allowed", "refused_scope", "refused_rate",
            "cost", "last_request_at");
    /** A report with thousands of bad entries is answered with the first few. */
    private static final int MAX_ERRORS = 20;
    private static final int MAX_ATTEMPTS = 3;

    private final UsageReports reports;
    private final AdminCallers callers;
    private final JsonMapper json;
    private final Clock clock;

    UsageReportsController(UsageReports reports, AdminCallers callers, JsonMapper json, Clock clock) {
        this.reports = reports;
        this.callers = callers;
        this.json = json;
        this.clock = clock;
    }

    @PostMapping(AdminSecurityConfiguration.BASE + "/usage-reports")
    Map<String, Object> report(HttpServletRequest request) {
        AdminCaller caller = callers.current(request);
        JsonBody body = JsonBody.read(request, json, FIELDS, MAX_BODY_BYTES);
        JsonNode batch = body.node("batch_id");
        if (batch == null || !batch.isString() || !BATCH_ID.matcher(batch.asString()).matches()) {
            body.error("batch_id", "must be 1-64 characters of A-Z a-z 0-9 . _ - (e.g. a UUID)");
        }
        List<Entry> entries = entries(body, clock.instant());
        body.done();
        Outcome outcome = book(caller, batch.asString(), entries);
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("batch_id", batch.asString());
        response.put("duplicate", outcome.duplicate());
        response.put("accepted", outcome.accepted());
        response.put("ignored", outcome.ignored());
        return response;
    }

    /**
     * Books the report, again when PostgreSQL chose its transaction to break a deadlock (reports,
     * last-used flushes and admin changes touching the same keys at once): it was rolled back
     * whole, batch id included, so booking it again counts it once.
     */
    private Outcome book(AdminCaller caller, String batchId, List<Entry> entries) {
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

    private static List<Entry> entries(JsonBody body, Instant now) {
        JsonNode keys = body.node("keys");
        if (keys == null || !keys.isArray()) {
            body.error("keys", "must be an array of {client_id, allowed, refused_scope, refused_rate, cost, last_request_at}");
            return List.of();
        }
        if (keys.size() > MAX_KEYS) {
            body.error("keys", "must have at most " + MAX_KEYS + " entries; send several reports");
            return List.of();
        }
        List<Entry> entries = new ArrayList<>(keys.size());
        Set<String> seen = new HashSet<>();
        int errors = 0;
        for (int i = 0; i < keys.size() && errors < MAX_ERRORS; i++) {
            String at = "keys[" + i + "]";
            List<String> problems = new ArrayList<>();
            Entry entry = entry(keys.get(i), now, problems);
            if (entry != null && !seen.add(entry.clientId())) {
                problems.add("client_id: appears more than once in the report");
            }
            for (String problem : problems) {
                body.error(at, problem);
                errors++;
            }
            if (problems.isEmpty()) {
                entries.add(entry);
            }
        }
        return entries;
    }

    private static Entry entry(JsonNode node, Instant now, List<String> problems) {
        if (node == null || !node.isObject()) {
            problems.add("must be an object");
            return null;
        }
        for (Iterator<String> names = node.propertyNames().iterator(); names.hasNext(); ) {
            String name = names.next();
            if (!ENTRY_FIELDS.contains(name)) {
                problems.add((name.length() > 60 ? name.substring(0, 60) + "…" : name) + ": unknown field");
            }
        }
        JsonNode clientId = node.get("client_id");
        if (clientId == null || !clientId.isString() || clientId.asString().isEmpty() || clientId.asString().length() > 64
                || clientId.asString().codePoints().anyMatch(c -> c < 0x21 || c > 0x7e)) {
            problems.add("client_id: must be a key id (1-64 printable ASCII characters)");
        }
        long allowed = count(node, "allowed", MAX_COUNT, problems);
        long refusedScope = count(node, "refused_scope", MAX_COUNT, problems);
        long refusedRate = count(node, "refused_rate", MAX_COUNT, problems);
        long cost = count(node, "cost", MAX_COST, problems);
        Instant lastRequestAt = lastRequestAt(node.get("last_request_at"), now, problems);
        return problems.isEmpty()
                ? new Entry(clientId.asString(), allowed, refusedScope, refusedRate, cost, lastRequestAt) : null;
    }

    /** A count from 0 to max; absent or null is 0. */
    private static long count(JsonNode entry, String field, long max, List<String> problems) {
        JsonNode node = entry.get(field);
        if (node == null || node.isNull()) {
            return 0;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong() || node.asLong() < 0 || node.asLong() > max) {
            problems.add(field + ": must be an integer from 0 to " + max);
            return 0;
        }
        return node.asLong();
    }

    private static Instant lastRequestAt(JsonNode node, Instant now, List<String> problems) {
        if (node == null || node.isNull()) {
            return null;
        }
        try {
            if (node.isString() && node.asString().length() <= 40) {
                Instant instant = OffsetDateTime.parse(node.asString()).toInstant();
                if (instant.isAfter(now.plus(MAX_CLOCK_SKEW))) {
                    problems.add("last_request_at: must not be more than 5 minutes in the future");
                    return null;
                }
                if (AdminInstants.accepted(instant)) {
                    return instant;
                }
            }
        } catch (DateTimeParseException e) {
            // answered below
        }
        problems.add("last_request_at: must be an RFC 3339 date-time, e.g. 2026-12-01T15:04:05Z");
        return null;
    }
}
