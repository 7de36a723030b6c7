package dev.keymint.server.keys;

import dev.keymint.sdk.InvalidScopeException;
import dev.keymint.sdk.Scope;
import dev.keymint.sdk.Scopes;
import dev.keymint.server.network.CidrRange;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Predicate;

/**
 * What an edit that narrows a key takes from the callers who used it in the last 24 hours: scopes
 * their tokens carried that the new scopes do not cover, addresses they came from that the new
 * ranges exclude, and limits below what they needed. Widening never warns. Pure: the recent use is
 * handed in.
 */
final class EditWarnings {

    /** At most this many scopes or addresses are named one by one; the rest are summed up. */
    static final int NAMED = 10;

    private EditWarnings() {
    }

    /**
     * @param overBudgetUntil until when the edited key is over budget (null: it is not)
     */
    static List<KeyWarning> of(ApiKey before, ApiKey after, RecentKeyUse use, Instant overBudgetUntil, Instant now) {
        List<KeyWarning> warnings = new ArrayList<>();
        if (!after.scopes().equals(before.scopes())) {
            Scopes held = scopes(before.scopes());
            Scopes kept = scopes(after.scopes());
            lost(warnings, "scope", use.tokensByScope(),
                    scope -> covers(held, scope) && !covers(kept, scope),
                    (scope, n) -> "scope " + scope + " was carried by " + count(n) + " in the last 24 h; the new scopes do not cover it");
            if (use.untrackedScopeTokens() > 0) {
                warnings.add(new KeyWarning("scope", count(use.untrackedScopeTokens()) + " in the last 24 h carried scopes "
                        + "too many to track one by one; some of them may not be covered by the new scopes"));
            }
        }
        if (!after.allowedCidrs().equals(before.allowedCidrs())) {
            lost(warnings, "address", use.tokensByAddress(),
                    address -> before.allowsAddress(CidrRange.literal(address)) && !after.allowsAddress(CidrRange.literal(address)),
                    (address, n) -> "address " + address + " sent token requests in the last 24 h (" + count(n)
                            + " issued) and is outside the new allowed ranges");
            if (use.untrackedAddressTokens() > 0 && !after.allowedCidrs().isEmpty()) {
                warnings.add(new KeyWarning("address", count(use.untrackedAddressTokens()) + " in the last 24 h went to "
                        + "addresses too many to track one by one; some of them may be outside the new allowed ranges"));
            }
        }
        Integer rate = after.rateLimitPerMinute();
        if (rate != null && !rate.equals(before.rateLimitPerMinute()) && use.peakTokensPerMinute() > rate) {
            warnings.add(new KeyWarning("rate_limit", "the new rate limit " + number(rate) + "/min is below the peak "
                    + number(use.peakTokensPerMinute()) + "/min of the last 24 h"));
        }
        Quota quota = after.quota();
        if (quota != null && !quota.equals(before.quota()) && use.tokens() > 0) {
            quotaWarning(quota, use.tokens(), now).ifPresent(warnings::add);
        }
        Integer apiRate = after.apiLimits().requestsPerMinute();
        long busiestMinuteAverage = use.busiestHourApiRequests() / 60;
        if (apiRate != null && !apiRate.equals(before.apiLimits().requestsPerMinute()) && busiestMinuteAverage > apiRate) {
            warnings.add(new KeyWarning("api_requests_per_minute", "the new API request limit " + number(apiRate)
                    + "/min is below the " + number(busiestMinuteAverage) + "/min average of the busiest hour of the last 24 h ("
                    + number(use.busiestHourApiRequests()) + " requests reported)"));
        }
        boolean overBefore = before.overBudget(now);
        if (overBudgetUntil != null && now.isBefore(overBudgetUntil) && !overBefore) {
            warnings.add(new KeyWarning("budget", "the new budgets are already spent by the usage reported this period: "
                    + "token requests will be refused " + (overBudgetUntil.isBefore(Budget.NO_RESET)
                    ? "until " + overBudgetUntil : "until an admin raises or removes them")));
        }
        Instant expiresAt = after.expiresAt();
        if (expiresAt != null && !expiresAt.equals(before.expiresAt()) && expiresAt.isBefore(now.plus(Duration.ofHours(24)))) {
            warnings.add(new KeyWarning("expiry", expiresAt.isAfter(now)
                    ? "the key will expire at " + expiresAt + ", within 24 h: its callers lose access then"
                    : "the new expiry " + expiresAt + " has passed: the key stops working at once"));
        }
        return warnings;
    }

    private static Optional<KeyWarning> quotaWarning(Quota quota, long tokensPerDay, Instant now) {
        String limit = "the new quota of " + count(quota.limit()) + " per " + quota.period().databaseValue();
        if (quota.period() == Quota.Period.DAY) {
            return quota.limit() < tokensPerDay
                    ? Optional.of(new KeyWarning("quota", limit + " is below the " + count(tokensPerDay)
                    + " issued in the last 24 h"))
                    : Optional.empty();
        }
        long periodDays = Duration.between(quota.period().start(now), quota.period().end(now)).toDays();
        long lastsDays = quota.limit() / tokensPerDay;
        return lastsDays < periodDays
                ? Optional.of(new KeyWarning("quota", "at the last 24 h's pace (" + count(tokensPerDay)
                + " a day) " + limit + " runs out after about " + lastsDays + (lastsDays == 1 ? " day" : " days")))
                : Optional.empty();
    }

    /** Names the entries that {@code lost} selects, most used first, at most {@value #NAMED}; sums up the rest. */
    private static void lost(List<KeyWarning> warnings, String code, Map<String, Long> used, Predicate<String> lost,
                             BiFunction<String, Long, String> message) {
        List<Map.Entry<String, Long>> entries = used.entrySet().stream().filter(e -> lost.test(e.getKey()))
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()))
                .toList();
        entries.stream().limit(NAMED).forEach(e -> warnings.add(new KeyWarning(code, message.apply(e.getKey(), e.getValue()))));
        if (entries.size() > NAMED) {
            long rest = entries.stream().skip(NAMED).mapToLong(Map.Entry::getValue).sum();
            warnings.add(new KeyWarning(code, "and " + (entries.size() - NAMED) + " more " + code
                    + (code.endsWith("s") ? "es" : "s") + " (" + count(rest) + ") lose access in the same way"));
        }
    }

    private static Scopes scopes(List<String> texts) {
        return Scopes.of(texts.stream().map(Scope::parse).toList());
    }

    private static boolean covers(Scopes scopes, String text) {
        try {
            return scopes.covers(Scope.parse(text));
        } catch (InvalidScopeException e) {
            return false; // recorded from issued tokens, so never expected; such a scope cannot be lost
        }
    }

    private static String count(long tokens) {
        return number(tokens) + (tokens == 1 ? " token" : " tokens");
    }

    private static String number(long n) {
        return String.format(Locale.US, "%,d", n);
    }
}
