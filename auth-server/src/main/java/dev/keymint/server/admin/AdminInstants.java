package dev.keymint.server.admin;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * The instants the admin API accepts from a client, from 1970 through 9999: wide enough for any
 * real query, and narrow enough that PostgreSQL's {@code timestamptz} (4713 BC to 294276 AD)
 * never refuses one, which would otherwise surface as a database error instead of a 400.
 */
final class AdminInstants {

    static final Instant EARLIEST = Instant.EPOCH;
    static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

    private AdminInstants() {
    }

    static boolean accepted(Instant instant) {
        return !instant.isBefore(EARLIEST) && !instant.isAfter(LATEST);
    }

    /** @throws AdminProblem 400 naming the parameter unless {@code value} is an accepted RFC 3339 date-time */
    static Instant parameter(String name, String value) {
        try {
            if (value.length() <= 40) {
                Instant instant = OffsetDateTime.parse(value).toInstant();
                if (accepted(instant)) {
                    return instant;
                }
            }
        } catch (DateTimeParseException e) {
            // answered below
        }
        throw AdminProblem.badRequest(name + " must be an RFC 3339 date-time from 1970 through 9999, e.g. 2030-01-31T00:00:00Z");
    }
}
