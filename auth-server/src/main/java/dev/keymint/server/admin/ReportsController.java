package dev.keymint.server.admin;

import dev.keymint.server.keys.ApiKey;
import dev.keymint.server.keys.KeyAdministration;
import dev.keymint.server.keys.LastUsedRecorder;
import dev.keymint.server.organizations.JdbcOrganizationRepository;
import dev.keymint.server.organizations.JdbcOrganizationRepository.OrganizationSummary;
import dev.keymint.server.usage.JdbcApiUsageRepository;
import dev.keymint.server.usage.JdbcApiUsageRepository.HourlyApiUsage;
import dev.keymint.server.usage.JdbcUsageRepository;
import dev.keymint.server.usage.JdbcUsageRepository.HourlyCount;
import dev.keymint.server.usage.UsageOutcome;
import dev.keymint.server.usage.UsageRecorder;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/**
 * The read-only admin endpoints: usage, token exchanges and reported API requests side by side ({@code admin:usage/**}), the audit trail
 * ({@code admin:audit/**}), the operator's organization listing ({@code admin:organizations/**}
 * and a key of {@code KEYMINT_OPERATOR_ORG}), and the public OpenAPI document.
 */
@RestController
@ConditionalOnWebApplication
class ReportsController {

    private static final Duration MAX_RANGE = Duration.ofDays(92);

    private final AdminCallers callers;
    private final KeyAdministration keys;
    private final JdbcUsageRepository usage;
    private final JdbcApiUsageRepository apiUsage;
    private final UsageRecorder usageRecorder;
    private final LastUsedRecorder lastUsed;
    private final JdbcAuditRepository audit;
    private final JdbcOrganizationRepository organizations;
    private final JsonMapper json;
    private final Clock clock;

    ReportsController(AdminCallers callers, KeyAdministration keys, JdbcUsageRepository usage,
                      JdbcApiUsageRepository apiUsage, UsageRecorder usageRecorder, LastUsedRecorder lastUsed, JdbcAuditRepository audit,
                      JdbcOrganizationRepository organizations, JsonMapper json, Clock clock) {
        this.callers = callers;
        this.keys = keys;
        this.usage = usage;
        this.apiUsage = apiUsage;
        this.usageRecorder = usageRecorder;
        this.lastUsed = lastUsed;
        this.audit = audit;
        this.organizations = organizations;
        this.json = json;
        this.clock = clock;
    }

    @GetMapping(AdminSecurityConfiguration.BASE + "/usage")
    Map<String, Object> organizationUsage(HttpServletRequest request, @RequestParam(required = false) String from,
                                          @RequestParam(required = false) String to) {
        AdminCaller caller = callers.current(request);
        Instant[] range = range(from, to);
        usageRecorder.flush();
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("organization", caller.organization());
        response.putAll(usage(usage.hourly(caller.organizationId(), null, range[0], range[1]),
                apiUsage.hourly(caller.organizationId(), null, range[0], range[1]), range));
        return response;
    }

    @GetMapping(AdminSecurityConfiguration.BASE + "/usage/keys/{id}")
    Map<String, Object> keyUsage(HttpServletRequest request, @PathVariable String id,
                                 @RequestParam(required = false) String from, @RequestParam(required = false) String to) {
        AdminCaller caller = callers.current(request);
        Instant[] range = range(from, to);
        usageRecorder.flush();
        lastUsed.flush();
        ApiKey key = keys.get(caller, id);
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("key_id", key.id());
        response.put("last_used_at", key.lastUsedAt());
        response.putAll(usage(usage.hourly(caller.organizationId(), key.id(), range[0], range[1]),
                apiUsage.hourly(caller.organizationId(), key.id(), range[0], range[1]), range));
        return response;
    }

    @GetMapping(AdminSecurityConfiguration.BASE + "/audit")
    Map<String, Object> auditTrail(HttpServletRequest request, @RequestParam(required = false) String cursor,
                                   @RequestParam(required = false) String limit) {
        AdminCaller caller = callers.current(request);
        int pageSize = KeysController.pageSize(limit);
        Long before = null;
        if (cursor != null) {
            if (!cursor.matches("[0-9]{1,18}")) {
                throw AdminProblem.badRequest("cursor is not one this API returned");
            }
            before = Long.parseLong(cursor);
        }
        List<JdbcAuditRepository.AuditEvent> page = audit.page(caller.organizationId(), before, pageSize + 1);
        List<Map<String, Object>> items = page.stream().limit(pageSize).map(event -> {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("id", event.id());
            item.put("at", event.createdAt());
            item.put("actor_key_id", event.actorKeyId());
            item.put("action", event.action());
            item.put("target", event.target());
            item.put("client_address", event.clientAddress());
            item.put("before", event.beforeJson() == null ? null : json.readTree(event.beforeJson()));
            item.put("after", event.afterJson() == null ? null : json.readTree(event.afterJson()));
            return item;
        }).toList();
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("items", items);
        response.put("next_cursor", page.size() > pageSize ? String.valueOf(page.get(pageSize - 1).id()) : null);
        return response;
    }

    @GetMapping(AdminSecurityConfiguration.BASE + "/organizations")
    Map<String, Object> organizations(HttpServletRequest request, @RequestParam(required = false) String cursor,
                                      @RequestParam(required = false) String limit) {
        callers.currentOperator(request, "list organizations");
        int pageSize = KeysController.pageSize(limit);
        if (cursor != null && !cursor.matches("[a-z0-9-]{1,63}")) {
            throw AdminProblem.badRequest("cursor is not one this API returned");
        }
        List<OrganizationSummary> page = organizations.list(cursor, pageSize + 1);
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("items", page.stream().limit(pageSize).map(org -> {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("slug", org.slug());
            item.put("name", org.name());
            item.put("created_at", org.createdAt());
            item.put("active_keys", org.activeKeys());
            return item;
        }).toList());
        response.put("next_cursor", page.size() > pageSize ? page.get(pageSize - 1).slug() : null);
        return response;
    }

    @GetMapping(path = AdminSecurityConfiguration.BASE + "/openapi.yaml")
    ResponseEntity<org.springframework.core.io.Resource> openApi() {
        return ResponseEntity.ok()
                .contentType(MediaType.parseMediaType("application/yaml"))
                .cacheControl(CacheControl.maxAge(Duration.ofMinutes(5)))
                .body(new ClassPathResource("admin/openapi.yaml"));
    }

    private Instant[] range(String from, String to) {
        Instant now = clock.instant();
        Instant end = to == null ? now.truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1))
                : AdminInstants.parameter("to", to);
        Instant start = from == null ? end.minus(Duration.ofHours(24)) : AdminInstants.parameter("from", from);
        if (!start.isBefore(end)) {
            throw AdminProblem.badRequest("from must be before to");
        }
        if (Duration.between(start, end).compareTo(MAX_RANGE) > 0) {
            throw AdminProblem.badRequest("the range may span at most 92 days");
        }
        return new Instant[] {start, end};
    }

    /**
     * Token exchanges ({@code totals}, {@code hours[].counts}: outcomes at the token endpoint) and
     * API requests reported by resource servers ({@code api_totals}, {@code hours[].api_requests})
     * side by side, hour by hour; an hour appears when either has a count.
     */
    private static Map<String, Object> usage(List<HourlyCount> counts, List<HourlyApiUsage> apiCounts, Instant[] range) {
        Map<String, Long> totals = new LinkedHashMap<>();
        for (UsageOutcome outcome : UsageOutcome.values()) {
            totals.put(outcome.databaseValue(), 0L);
        }
        Map<Instant, Map<String, Long>> hours = new TreeMap<>();
        for (HourlyCount count : counts) {
            totals.merge(count.outcome(), count.count(), Long::sum);
            hours.computeIfAbsent(count.hour(), hour -> new LinkedHashMap<>()).put(count.outcome(), count.count());
        }
        Map<Instant, HourlyApiUsage> apiHours = new TreeMap<>();
        long[] apiTotals = new long[4];
        for (HourlyApiUsage hour : apiCounts) {
            apiHours.put(hour.hour(), hour);
            hours.computeIfAbsent(hour.hour(), ignored -> new LinkedHashMap<>());
            apiTotals[0] = saturatedAdd(apiTotals[0], hour.allowed());
            apiTotals[1] = saturatedAdd(apiTotals[1], hour.refusedScope());
            apiTotals[2] = saturatedAdd(apiTotals[2], hour.refusedRate());
            apiTotals[3] = saturatedAdd(apiTotals[3], hour.cost());
        }
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("from", range[0]);
        response.put("to", range[1]);
        response.put("totals", totals);
        response.put("api_totals", apiRequests(apiTotals[0], apiTotals[1], apiTotals[2], apiTotals[3]));
        response.put("hours", hours.entrySet().stream().map(entry -> {
            HourlyApiUsage api = apiHours.get(entry.getKey());
            Map<String, Object> hour = new LinkedHashMap<>();
            hour.put("hour", entry.getKey());
            hour.put("counts", entry.getValue());
            hour.put("api_requests", api == null ? apiRequests(0, 0, 0, 0)
                    : apiRequests(api.allowed(), api.refusedScope(), api.refusedRate(), api.cost()));
            return hour;
        }).toList());
        return response;
    }

    private static Map<String, Long> apiRequests(long allowed, long refusedScope, long refusedRate, long cost) {
        Map<String, Long> requests = new LinkedHashMap<>();
        requests.put("allowed", allowed);
        requests.put("refused_scope", refusedScope);
        requests.put("refused_rate", refusedRate);
        requests.put("cost", cost);
        return requests;
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }
}
