package dev.keymint.server.usage;

import java.util.Locale;

/** What happened to one token request of a known key: a token was issued, or why not. */
public enum UsageOutcome {
    ISSUED, WRONG_SECRET, DISABLED, REVOKED, EXPIRED, CIDR, RATE_LIMITED, QUOTA_EXCEEDED, INVALID_SCOPE;

    /** The value stored in {@code usage_hourly.outcome} and shown by the admin API. */
    public String databaseValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
