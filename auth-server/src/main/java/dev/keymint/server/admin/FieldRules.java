package dev.keymint.server.admin;

import static java.lang.annotation.ElementType.FIELD;
import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.PARAMETER;
import static java.lang.annotation.ElementType.RECORD_COMPONENT;
import static java.lang.annotation.ElementType.TYPE_USE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import dev.keymint.sdk.Scope;
import dev.keymint.server.keys.Audiences;
import dev.keymint.server.network.CidrRange;
import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;

/**
 * The admin API's own Bean Validation constraints, for the rules the standard ones cannot say. A
 * rule that parses (a scope, a CIDR range) uses the domain's own parser, so the API accepts exactly
 * what the domain type does. Null is valid for each, as for the standard constraints: whether a
 * member is required is {@code @NotNull}'s to say.
 */
final class FieldRules {

    static final int MAX_TEXT = 200;
    static final int MAX_LIST = 100;

    private FieldRules() {
    }

    /** A name, team or owner: 1-{@value #MAX_TEXT} characters once stripped, printable, valid Unicode. */
    @Target({FIELD, METHOD, PARAMETER, RECORD_COMPONENT, TYPE_USE})
    @Retention(RUNTIME)
    @Constraint(validatedBy = LabelRule.class)
    @interface Label {
        String message() default "must be 1-" + MAX_TEXT + " characters";

        Class<?>[] groups() default {};

        Class<? extends Payload>[] payload() default {};
    }

    /** A scope as {@link Scope#parse} reads it. */
    @Target({FIELD, METHOD, PARAMETER, RECORD_COMPONENT, TYPE_USE})
    @Retention(RUNTIME)
    @Constraint(validatedBy = ScopeRule.class)
    @interface ScopeText {
        String message() default "invalid scope";

        Class<?>[] groups() default {};

        Class<? extends Payload>[] payload() default {};
    }

    /** A CIDR range as {@link CidrRange#parse} reads it. */
    @Target({FIELD, METHOD, PARAMETER, RECORD_COMPONENT, TYPE_USE})
    @Retention(RUNTIME)
    @Constraint(validatedBy = CidrRule.class)
    @interface CidrText {
        String message() default "invalid CIDR range";

        Class<?>[] groups() default {};

        Class<? extends Payload>[] payload() default {};
    }

    /** A key's audience as {@link Audiences#problem} reads it: an absolute URI without a fragment. */
    @Target({FIELD, METHOD, PARAMETER, RECORD_COMPONENT, TYPE_USE})
    @Retention(RUNTIME)
    @Constraint(validatedBy = AudienceRule.class)
    @interface AudienceText {
        String message() default "must be an absolute URI";

        Class<?>[] groups() default {};

        Class<? extends Payload>[] payload() default {};
    }

    /** An expiry: after now and at most ten years ahead, on the validator's clock. */
    @Target({FIELD, METHOD, PARAMETER, RECORD_COMPONENT, TYPE_USE})
    @Retention(RUNTIME)
    @Constraint(validatedBy = ExpiryRule.class)
    @interface Expiry {
        String message() default "must be in the future";

        Class<?>[] groups() default {};

        Class<? extends Payload>[] payload() default {};
    }

    /**
     * When a reported request was served: from 1970 through 9999 (see {@link AdminInstants}) and
     * not more than five minutes ahead of this server's clock.
     */
    @Target({FIELD, METHOD, PARAMETER, RECORD_COMPONENT, TYPE_USE})
    @Retention(RUNTIME)
    @Constraint(validatedBy = ReportedAtRule.class)
    @interface ReportedAt {
        String message() default "must be an RFC 3339 date-time, e.g. 2026-12-01T15:04:05Z";

        Class<?>[] groups() default {};

        Class<? extends Payload>[] payload() default {};
    }

    /** A budget whose {@code limit} is at most {@link #value()}; reported at {@code <member>.limit}. */
    @Target({FIELD, METHOD, PARAMETER, RECORD_COMPONENT, TYPE_USE})
    @Retention(RUNTIME)
    @Constraint(validatedBy = BudgetLimitRule.class)
    @interface BudgetLimit {
        long value();

        String message() default "must be an integer from 1 to {value}";

        Class<?>[] groups() default {};

        Class<? extends Payload>[] payload() default {};
    }

    /** A PATCH member that may be left out or set, but not cleared: the field has no "none". */
    @Target({FIELD, METHOD, PARAMETER, RECORD_COMPONENT})
    @Retention(RUNTIME)
    @Constraint(validatedBy = NotClearedRule.class)
    @interface NotCleared {
        String message() default "cannot be null";

        Class<?>[] groups() default {};

        Class<? extends Payload>[] payload() default {};
    }

    public static final class LabelRule implements ConstraintValidator<Label, String> {

        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            if (value == null) {
                return true;
            }
            String stripped = value.strip();
            if (stripped.isEmpty() || stripped.length() > MAX_TEXT) {
                return false;
            }
            if (stripped.codePoints().anyMatch(Character::isISOControl)) {
                return refuse(context, "must not contain control characters");
            }
            // JSON may escape half of a surrogate pair ("\ud800"); PostgreSQL would store it as "?".
            if (stripped.codePoints().anyMatch(codePoint -> Character.getType(codePoint) == Character.SURROGATE)) {
                return refuse(context, "must be valid Unicode (no unpaired surrogate)");
            }
            return true;
        }
    }

    public static final class ScopeRule implements ConstraintValidator<ScopeText, String> {

        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            return parses(value, Scope::parse, "invalid scope: ", context);
        }
    }

    public static final class CidrRule implements ConstraintValidator<CidrText, String> {

        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            return parses(value, CidrRange::parse, "", context);
        }
    }

    public static final class AudienceRule implements ConstraintValidator<AudienceText, String> {

        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            String problem = value == null ? null : Audiences.problem(value);
            return problem == null || refuse(context, problem);
        }
    }

    public static final class ExpiryRule implements ConstraintValidator<Expiry, Instant> {

        private static final Duration MAX_AHEAD = Duration.ofDays(3660);

        @Override
        public boolean isValid(Instant value, ConstraintValidatorContext context) {
            if (value == null) {
                return true;
            }
            Instant now = context.getClockProvider().getClock().instant();
            if (!value.isAfter(now)) {
                return false;
            }
            return !value.isAfter(now.plus(MAX_AHEAD)) || refuse(context, "must be within 10 years");
        }
    }

    public static final class ReportedAtRule implements ConstraintValidator<ReportedAt, Instant> {

        private static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);

        @Override
        public boolean isValid(Instant value, ConstraintValidatorContext context) {
            if (value == null) {
                return true;
            }
            if (value.isAfter(context.getClockProvider().getClock().instant().plus(MAX_CLOCK_SKEW))) {
                return refuse(context, "must not be more than 5 minutes in the future");
            }
            return AdminInstants.accepted(value);
        }
    }

    public static final class BudgetLimitRule implements ConstraintValidator<BudgetLimit, KeyRequests.BudgetBody> {

        private long max;

        @Override
        public void initialize(BudgetLimit limit) {
            this.max = limit.value();
        }

        @Override
        public boolean isValid(KeyRequests.BudgetBody budget, ConstraintValidatorContext context) {
            if (budget == null || budget.limit() == null || budget.limit() <= max) {
                return true;
            }
            context.disableDefaultConstraintViolation();
            context.buildConstraintViolationWithTemplate(context.getDefaultConstraintMessageTemplate())
                    .addPropertyNode("limit").addConstraintViolation();
            return false;
        }
    }

    public static final class NotClearedRule implements ConstraintValidator<NotCleared, Patch<?>> {

        @Override
        public boolean isValid(Patch<?> value, ConstraintValidatorContext context) {
            return value == null || !value.cleared();
        }
    }

    /** Valid when {@code parser} accepts the text; else the parser's own reason is the message. */
    private static boolean parses(String value, Function<String, ?> parser, String prefix,
                                  ConstraintValidatorContext context) {
        if (value == null) {
            return true;
        }
        try {
            parser.apply(value);
            return true;
        } catch (IllegalArgumentException e) {
            return refuse(context, prefix + e.getMessage());
        }
    }

    /**
     * Replaces the default message. The text may quote the client's input, so it is escaped: a
     * message template interpolates {@code {…}} and {@code ${…}}, and the client must not write templates.
     */
    private static boolean refuse(ConstraintValidatorContext context, String message) {
        context.disableDefaultConstraintViolation();
        context.buildConstraintViolationWithTemplate(message.replace("\\", "\\\\").replace("{", "\\{")
                .replace("}", "\\}").replace("$", "\\$")).addConstraintViolation();
        return false;
    }
}
