package dev.keymint.server.cli;

import java.util.List;
import java.util.Set;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;
import tools.jackson.databind.node.ObjectNode;

/**
 * The optional settings of a key that {@code keys create} and {@code keys update} share, as the
 * admin API's fields. The server validates the values (dates, CIDRs, ranges); only the quota's
 * shape is checked here, because {@code 10000/day} is this command line's own notation.
 */
final class KeySettings {

    @Option(names = "--expires-at", paramLabel = "<time>",
            description = "When the key stops working, RFC 3339 (e.g. 2027-06-30T00:00:00Z); within 10 years.")
    private String expiresAt;

    @Option(names = "--cidr", paramLabel = "<cidr>",
            description = "Allow token requests only from this IPv4/IPv6 range; repeat for several (update: replaces all).")
    private List<String> cidrs;

    @Option(names = "--rate-limit", paramLabel = "<n>", description = "Token requests allowed in any 60 seconds.")
    private Integer rateLimit;

    @Option(names = "--quota", paramLabel = "<limit>/<period>", converter = QuotaConverter.class,
            description = "Tokens issued per UTC day, week or month, e.g. 10000/day.")
    private Quota quota;

    @Option(names = "--team", paramLabel = "<team>", description = "The team the key belongs to.")
    private String team;

    @Option(names = "--owner", paramLabel = "<owner>", description = "Who answers for the key, e.g. an email address.")
    private String owner;

    /** Puts the settings given on the command line into {@code body}; leaves the others out. */
    void putInto(ObjectNode body) {
        if (expiresAt != null) {
            body.put("expires_at", expiresAt);
        }
        if (cidrs != null) {
            cidrs.forEach(body.putArray("allowed_cidrs")::add);
        }
        if (rateLimit != null) {
            body.put("rate_limit_per_minute", rateLimit);
        }
        if (quota != null) {
            body.putObject("quota").put("limit", quota.limit()).put("period", quota.period());
        }
        if (team != null) {
            body.put("team", team);
        }
        if (owner != null) {
            body.put("owner", owner);
        }
    }

    record Quota(long limit, String period) {
    }

    static final class QuotaConverter implements ITypeConverter<Quota> {

        private static final Set<String> PERIODS = Set.of("day", "week", "month");

        @Override
        public Quota convert(String value) {
            String[] parts = value.split("/", -1);
            if (parts.length != 2 || !parts[0].matches("[0-9]{1,10}") || !PERIODS.contains(parts[1])) {
                throw new TypeConversionException("'" + value + "' is not <limit>/<period>, e.g. 10000/day (period: day, week or month)");
            }
            return new Quota(Long.parseLong(parts[0]), parts[1]);
        }
    }
}
