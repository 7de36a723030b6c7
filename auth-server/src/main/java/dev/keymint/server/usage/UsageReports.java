package dev.keymint.server.usage;

import dev.keymint.server.keys.ApiKey;
import dev.keymint.server.keys.LastUsedRecorder;
import dev.keymint.server.keys.OverBudgetKeys;
import dev.keymint.server.keys.cache.ApiKeyCache;
import dev.keymint.server.usage.JdbcApiUsageRepository.ApiUsage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Books the usage reports resource servers send: one transaction per report, holding the batch id,
 * the counts of every key (in the hour of receipt) and any budget it spends, so a report is booked
 * whole or not at all and a retried batch id is never counted twice. A report is already a batch of
 * many requests: nothing is written per request. The keys' rows come from {@link ApiKeyCache} (the
 * token path's memory), and their last-used times go to {@link LastUsedRecorder} once the report is
 * committed, written with the token path's in one update per flush interval, not per report.
 */
@Service
public class UsageReports {

    /** Batch ids are remembered at least this long (the contract promises 7 days). */
    static final Duration REMEMBER_BATCHES = Duration.ofDays(8);
    private static final Logger log = LoggerFactory.getLogger(UsageReports.class);

    private final JdbcApiUsageRepository usage;
    private final ApiKeyCache keys;
    private final LastUsedRecorder lastUsed;
    private final ApiBudgets budgets;
    private final OverBudgetKeys overBudget;
    private final Clock clock;

    public UsageReports(JdbcApiUsageRepository usage, ApiKeyCache keys, LastUsedRecorder lastUsed,
                        ApiBudgets budgets, OverBudgetKeys overBudget, Clock clock) {
        this.usage = usage;
        this.keys = keys;
        this.lastUsed = lastUsed;
        this.budgets = budgets;
        this.overBudget = overBudget;
        this.clock = clock;
    }

    /** One reported key; validated for shape by the caller. */
    public record Entry(String clientId, long allowed, long refusedScope, long refusedRate, long cost,
                        Instant lastRequestAt) {
    }

    /** How a report was booked. */
    public record Outcome(boolean duplicate, int accepted, int ignored) {
    }

    /**
     * @param reporterKeyId         the key whose token sent the report
     * @param onlyOrganizationId    entries for keys of other organizations are ignored; null: any organization
     * @param onlyTeam              entries for keys of other teams are ignored; null: any team
     */
    @Transactional
    public Outcome book(String reporterKeyId, Long onlyOrganizationId, String onlyTeam, String batchId,
                        List<Entry> entries) {
        Instant now = clock.instant();
        Map<String, ApiKey> known = keys.findAllById(entries.stream().map(Entry::clientId).toList()).stream()
                .filter(key -> mayReport(key, onlyOrganizationId, onlyTeam))
                .collect(Collectors.toMap(ApiKey::id, Function.identity()));
        List<ApiUsage> rows = new ArrayList<>();
        Map<String, Instant> lastUsedById = new HashMap<>();
        for (Entry entry : entries) {
            ApiKey key = known.get(entry.clientId());
            if (key == null) {
                continue;
            }
            rows.add(new ApiUsage(key.organizationId(), key.id(), entry.allowed(), entry.refusedScope(),
                    entry.refusedRate(), entry.cost()));
            Instant last = lastRequest(entry, now);
            if (last != null) {
                lastUsedById.put(key.id(), last);
            }
        }
        int ignored = entries.size() - rows.size();
        // The batch id is claimed with its answer in one statement: a retry reads that answer.
        if (!usage.claimBatch(reporterKeyId, batchId, now, rows.size(), ignored)) {
            int[] booked = usage.batchOutcome(reporterKeyId, batchId).orElse(new int[] {0, 0});
            return new Outcome(true, booked[0], booked[1]);
        }
        usage.add(now.truncatedTo(ChronoUnit.HOURS), rows);
        List<ApiKey> budgeted = rows.stream().map(row -> known.get(row.keyId()))
                .filter(key -> key.apiLimits().hasBudget() && !key.overBudget(now)).toList();
        // As for an admin change: once the report is answered, every instance refuses the key.
        overBudget.refuseUntil(budgets.overBudgetUntil(budgeted, now));
        lastUsed.usedAfterCommit(lastUsedById);
        return new Outcome(false, rows.size(), ignored);
    }

    /** Whether the reporter may report this key: of the organization and team it is limited to, when it is. */
    private static boolean mayReport(ApiKey key, Long onlyOrganizationId, String onlyTeam) {
        return (onlyOrganizationId == null || key.organizationId() == onlyOrganizationId)
                && (onlyTeam == null || onlyTeam.equals(key.team()));
    }

    /**
     * When the key last made a request: the reported time (never later than now), or now when the
     * entry counts requests without a time; null when it counts none.
     */
    private static Instant lastRequest(Entry entry, Instant now) {
        if (entry.lastRequestAt() != null) {
            return entry.lastRequestAt().isAfter(now) ? now : entry.lastRequestAt();
        }
        boolean any = entry.allowed() > 0 || entry.refusedScope() > 0 || entry.refusedRate() > 0;
        return any ? now : null;
    }

    @Scheduled(fixedDelay = 1, initialDelay = 1, timeUnit = TimeUnit.HOURS)
    public void forgetOldBatches() {
        try {
            usage.forgetBatchesBefore(clock.instant().minus(REMEMBER_BATCHES));
        } catch (DataAccessException e) {
            log.warn("Could not delete old usage report batch ids; will retry: {}", e.getMessage());
        }
    }
}
