package dev.keymint.server.admin;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.keymint.server.keys.ApiKey;
import dev.keymint.server.keys.KeyAdministration;
import dev.keymint.server.keys.LastUsedRecorder;
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
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * {@code /admin/v1/usage}: token exchanges and reported API requests side by side, hour by hour,
 * for the caller's organization or one of its keys. Requires {@code admin:usage/**}.
 */
@RestController
@ConditionalOnWebApplication
class UsageController {

    private static final Duration MAX_RANGE = Duration.ofDays(92);

    private final AdminCallers callers;
    private final KeyAdministration keys;
    private final JdbcUsageRepository usage;
    private final JdbcApiUsageRepository apiUsage;
    private final UsageRecorder usageRecorder;
    private final LastUsedRecorder lastUsed;
    private final Clock clock;

    UsageController(AdminCallers callers, KeyAdministration keys, JdbcUsageRepository usage,
                    JdbcApiUsageRepository apiUsage, UsageRecorder usageRecorder, LastUsedRecorder lastUsed,
                    Clock clock) {
        this.callers = callers;
        this.keys = keys;
        this.usage = usage;
        this.apiUsage = apiUsage;
        this.usageRecorder = usageRecorder;
        this.lastUsed = lastUsed;
        this.clock = clock;
    }

    @GetMapping(AdminSecurityConfiguration.BASE + "/usage")
    OrganizationUsage organizationUsage(HttpServletRequest request, @RequestParam(required = false) String from,
                                        @RequestParam(required = false) String to) {
        AdminCaller caller = callers.current(request);
        Range range = range(from, to);
        usageRecorder.flush();
        return new OrganizationUsage(caller.organization(), report(caller, null, range));
    }

    @GetMapping(AdminSecurityConfiguration.BASE + "/usage/keys/{id}")
    KeyUsage keyUsage(HttpServletRequest request, @PathVariable String id,
                      @RequestParam(required = false) String from, @RequestParam(required = false) String to) {
        AdminCaller caller = callers.current(request);
        Range range = range(from, to);
        usageRecorder.flush();
        lastUsed.flush();
        ApiKey key = keys.get(caller, id);
        return new KeyUsage(key.id(), key.lastUsedAt(), report(caller, key.id(), range));
    }

    private Range range(String from, String to) {
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
        return new Range(start, end);
    }

    /**
     * Token exchanges ({@code totals}, {@code hours[].counts}: outcomes at the token endpoint) and
     * API requests reported by resource servers ({@code api_totals}, {@code hours[].api_requests})
     * side by side, hour by hour; an hour appears when either has a count.
     */
    private Report report(AdminCaller caller, String keyId, Range range) {
        List<HourlyCount> counts = usage.hourly(caller.organizationId(), keyId, range.from(), range.to());
        List<HourlyApiUsage> apiCounts = apiUsage.hourly(caller.organizationId(), keyId, range.from(), range.to());
        // Keyed by outcome name, every outcome present (zero when none), in the order of UsageOutcome.
        Map<String, Long> totals = new LinkedHashMap<>();
        for (UsageOutcome outcome : UsageOutcome.values()) {
            totals.put(outcome.databaseValue(), 0L);
        }
        Map<Instant, Map<String, Long>> hours = new TreeMap<>();
        for (HourlyCount count : counts) {
            totals.merge(count.outcome(), count.count(), Long::sum);
            hours.computeIfAbsent(count.hour(), hour -> new TreeMap<>()).put(count.outcome(), count.count());
        }
        Map<Instant, ApiRequests> apiHours = new TreeMap<>();
        ApiRequests apiTotals = ApiRequests.NONE;
        for (HourlyApiUsage hour : apiCounts) {
            ApiRequests requests = new ApiRequests(hour.allowed(), hour.refusedScope(), hour.refusedRate(), hour.cost());
            apiHours.put(hour.hour(), requests);
            hours.computeIfAbsent(hour.hour(), ignored -> new TreeMap<>());
            apiTotals = apiTotals.plus(requests);
        }
        return new Report(range.from(), range.to(), totals, apiTotals, hours.entrySet().stream()
                .map(entry -> new Hour(entry.getKey(), entry.getValue(),
                        apiHours.getOrDefault(entry.getKey(), ApiRequests.NONE)))
                .toList());
    }

    private record Range(Instant from, Instant to) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record OrganizationUsage(String organization, @JsonUnwrapped Report report) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record KeyUsage(String keyId, Instant lastUsedAt, @JsonUnwrapped Report report) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Report(Instant from, Instant to, Map<String, Long> totals, ApiRequests apiTotals, List<Hour> hours) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Hour(Instant hour, Map<String, Long> counts, ApiRequests apiRequests) {
    }

    /** API requests resource servers reported; sums saturate at {@link Long#MAX_VALUE} rather than wrap. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record ApiRequests(long allowed, long refusedScope, long refusedRate, long cost) {

        static final ApiRequests NONE = new ApiRequests(0, 0, 0, 0);

        ApiRequests plus(ApiRequests other) {
            return new ApiRequests(saturatedAdd(allowed, other.allowed), saturatedAdd(refusedScope, other.refusedScope),
                    saturatedAdd(refusedRate, other.refusedRate), saturatedAdd(cost, other.cost));
        }

        private static long saturatedAdd(long a, long b) {
            long sum = a + b;
            return sum < 0 ? Long.MAX_VALUE : sum;
        }
    }
}
