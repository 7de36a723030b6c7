package dev.keymint.server.keys;

import java.time.Instant;

/**
 * A budget on the usage resource servers report for a key: at most {@code limit} requests (or cost
 * units) per calendar {@code period} in UTC, the periods of {@link Quota.Period}; a null period
 * ("none") never resets on its own.
 */
public record Budget(long limit, Quota.Period period) {

    public static final long MAX_REQUESTS = 1_000_000_000_000L;
    public static final long MAX_COST = 1_000_000_000_000_000L;
    /** The "until" of a budget without a reset period: until an admin raises or removes the budget. */
    public static final Instant NO_RESET = Instant.parse("9999-12-31T23:59:59Z");

    public Budget {
        if (limit < 1) {
            throw new IllegalArgumentException("budget must be at least 1");
        }
    }

    /** The value stored in the {@code *_budget_period} columns and shown by the admin API. */
    public String periodName() {
        return period == null ? "none" : period.databaseValue();
    }

    /** @throws IllegalArgumentException for anything but day, week, month or none */
    public static Quota.Period period(String name) {
        if ("none".equals(name)) {
            return null;
        }
        try {
            return Quota.Period.of(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("budget period must be day, week, month or none");
        }
    }

    /** Where the period containing {@code now} began: what counts against the budget. */
    public Instant periodStart(Instant now) {
        return period == null ? Instant.EPOCH : period.start(now);
    }

    /** When the budget resets, if it is spent now. */
    public Instant periodEnd(Instant now) {
        return period == null ? NO_RESET : period.end(now);
    }
}
