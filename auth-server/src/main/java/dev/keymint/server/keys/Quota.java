package dev.keymint.server.keys;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import java.util.Locale;
import java.util.Objects;

/**
 * An issuance quota: at most {@code limit} tokens per calendar {@code period} in UTC (a day, a
 * week starting Monday, a month starting on the 1st).
 */
public record Quota(long limit, Period period) {

    public static final long MAX_LIMIT = 1_000_000_000L;

    public Quota {
        Objects.requireNonNull(period, "period cannot be null");
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("quota limit must be 1.." + MAX_LIMIT);
        }
    }

    /** The reset period of a quota. */
    public enum Period {
        DAY, WEEK, MONTH;

        public String databaseValue() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** @throws IllegalArgumentException for anything but day, week or month */
        public static Period of(String value) {
            for (Period period : values()) {
                if (period.databaseValue().equals(value)) {
                    return period;
                }
            }
            throw new IllegalArgumentException("quota period must be day, week or month");
        }

        /** The start of the period containing {@code now}. */
        public Instant start(Instant now) {
            LocalDate day = LocalDate.ofInstant(now, ZoneOffset.UTC);
            LocalDate start = switch (this) {
                case DAY -> day;
                case WEEK -> day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
                case MONTH -> day.withDayOfMonth(1);
            };
            return start.atStartOfDay(ZoneOffset.UTC).toInstant();
        }

        /** The start of the next period: when the quota resets. */
        public Instant end(Instant now) {
            LocalDate start = LocalDate.ofInstant(start(now), ZoneOffset.UTC);
            LocalDate next = switch (this) {
                case DAY -> start.plusDays(1);
                case WEEK -> start.plusWeeks(1);
                case MONTH -> start.plusMonths(1);
            };
            return next.atStartOfDay(ZoneOffset.UTC).toInstant();
        }
    }
}
