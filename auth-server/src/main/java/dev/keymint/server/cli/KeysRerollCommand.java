package dev.keymint.server.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.TypeConversionException;
import tools.jackson.databind.node.ObjectNode;

/** {@code keys reroll <id>}: a new secret for the key, printed this once; the old one works for {@code --grace}. */
@Command(name = "reroll", description = {"Give a key a new secret and print it once; id, scopes, limits and history stay.",
        "The old secret keeps working for --grace (default 0: refused at once; at most 7d)."})
final class KeysRerollCommand implements Callable<Integer> {

    @Mixin
    private AdminOptions admin;

    @Parameters(paramLabel = "<key id>", description = "The key's id.")
    private String id;

    @Option(names = "--grace", paramLabel = "<duration>", defaultValue = "0", converter = GraceConverter.class,
            description = "How long the old secret still works: e.g. 0, 90s, 15m, 1h, 2d or PT1H30M.")
    private Duration grace;

    @Override
    public Integer call() {
        ObjectNode body = admin.context().json().createObjectNode();
        body.put("grace_period_seconds", grace.getSeconds());
        AdminApi.Answer rerolled = admin.connect().post(KeysCommand.path(id) + "/reroll", body);
        admin.print(rerolled, out -> {
            String until = rerolled.json().path("previous_secret_expires_at").asString();
            out.println("Rerolled key " + KeyText.title(rerolled.json()) + ".");
            out.println(grace.isZero() ? "The old API key no longer works." : "The old API key works until " + until + ".");
            out.println();
            out.println("API key: " + rerolled.json().path("api_key").asString());
            out.println();
            out.println("This is the only time the API key is shown. Store it now.");
        });
        return ExitCodes.OK;
    }

    /** {@code <n>s|m|h|d}, a bare number of seconds, or ISO-8601 ({@code PT1H}); the server checks the range. */
    static final class GraceConverter implements ITypeConverter<Duration> {

        private static final Pattern SHORT = Pattern.compile("([0-9]{1,7})([smhd]?)");

        @Override
        public Duration convert(String value) {
            Matcher m = SHORT.matcher(value.toLowerCase(Locale.ROOT));
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    case "d" -> Duration.ofDays(n);
                    default -> Duration.ofSeconds(n);
                };
            }
            try {
                Duration parsed = Duration.parse(value);
                if (!parsed.isNegative()) {
                    return parsed;
                }
            } catch (DateTimeParseException e) {
                // reported below
            }
            throw new TypeConversionException("'" + value + "' is not a duration, e.g. 0, 90s, 15m, 1h, 2d or PT1H");
        }
    }
}
