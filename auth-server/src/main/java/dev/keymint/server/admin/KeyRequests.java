package dev.keymint.server.admin;

import dev.keymint.server.admin.FieldRules.AudienceText;
import dev.keymint.server.admin.FieldRules.BudgetLimit;
import dev.keymint.server.admin.FieldRules.CidrText;
import dev.keymint.server.admin.FieldRules.Expiry;
import dev.keymint.server.admin.FieldRules.Label;
import dev.keymint.server.admin.FieldRules.NotCleared;
import dev.keymint.server.admin.FieldRules.ScopeText;
import dev.keymint.sdk.Scope;
import dev.keymint.server.keys.ApiRequestLimits;
import dev.keymint.server.keys.Audiences;
import dev.keymint.server.keys.Budget;
import dev.keymint.server.keys.KeyAdministration;
import dev.keymint.server.keys.KeyChange;
import dev.keymint.server.keys.Quota;
import dev.keymint.server.network.CidrRange;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * The bodies of {@code POST /admin/v1/keys} and {@code PATCH /admin/v1/keys/{id}}, as read by
 * {@link JsonBodies}: the same members, all optional in a PATCH, where {@code null} clears an
 * optional one. The strings are kept as sent until the rules passed; {@link #scopes} and
 * {@link #cidrs} then give the domain values, de-duplicated in order.
 */
final class KeyRequests {

    static final String SCOPE_TEXT = "must be a string of 1-" + Scope.MAX_LENGTH + " characters";
    static final String CIDR_TEXT = "must be a string of 1-50 characters";
    static final String AUDIENCES_SIZE = "must have at most " + Audiences.MAX_COUNT + " entries";
    static final String LIST_SIZE = "must have at most " + FieldRules.MAX_LIST + " entries";

    private KeyRequests() {
    }

    /** {@code POST /admin/v1/keys}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record NewKey(
            @NotNull(message = "is required") @Label String name,
            @NotNull(message = "is required") @Size(min = 1, max = FieldRules.MAX_LIST, message = "must hold 1-100 scopes")
            List<@NotNull(message = SCOPE_TEXT) @Size(min = 1, max = Scope.MAX_LENGTH, message = SCOPE_TEXT) @ScopeText String> scopes,
            @Expiry Instant expiresAt,
            @Size(max = FieldRules.MAX_LIST, message = LIST_SIZE)
            List<@NotNull(message = CIDR_TEXT) @Size(min = 1, max = 50, message = CIDR_TEXT) @CidrText String> allowedCidrs,
            @Min(value = 1, message = "must be an integer from 1 to 1000000")
            @Max(value = 1_000_000, message = "must be an integer from 1 to 1000000") Integer rateLimitPerMinute,
            @Valid QuotaBody quota,
            @Min(value = 1, message = "must be an integer from 1 to " + ApiRequestLimits.MAX_PER_MINUTE)
            @Max(value = ApiRequestLimits.MAX_PER_MINUTE, message = "must be an integer from 1 to "
                    + ApiRequestLimits.MAX_PER_MINUTE) Integer apiRequestsPerMinute,
            @Valid @BudgetLimit(Budget.MAX_REQUESTS) BudgetBody requestBudget,
            @Valid @BudgetLimit(Budget.MAX_COST) BudgetBody costBudget,
            @Label String team,
            @Label String owner,
            @Size(max = Audiences.MAX_COUNT, message = AUDIENCES_SIZE) List<@NotNull(message = "must be a string")
                    @AudienceText String> audiences) {

        ApiRequestLimits apiLimits() {
            return new ApiRequestLimits(apiRequestsPerMinute, BudgetBody.budget(requestBudget),
                    BudgetBody.budget(costBudget));
        }
    }

    /** {@code PATCH /admin/v1/keys/{id}}: a member left out keeps its value; {@code null} removes a limit or an expiry. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record KeyPatch(
            @NotCleared Patch<@Label String> name,
            @NotCleared Patch<@Size(min = 1, max = FieldRules.MAX_LIST, message = "must hold 1-100 scopes")
                    List<@NotNull(message = SCOPE_TEXT) @Size(min = 1, max = Scope.MAX_LENGTH, message = SCOPE_TEXT)
                    @ScopeText String>> scopes,
            Patch<@Expiry Instant> expiresAt,
            Patch<@Size(max = FieldRules.MAX_LIST, message = LIST_SIZE)
                    List<@NotNull(message = CIDR_TEXT) @Size(min = 1, max = 50, message = CIDR_TEXT) @CidrText String>> allowedCidrs,
            Patch<@Min(value = 1, message = "must be an integer from 1 to 1000000")
                  @Max(value = 1_000_000, message = "must be an integer from 1 to 1000000") Integer> rateLimitPerMinute,
            Patch<@Valid QuotaBody> quota,
            Patch<@Min(value = 1, message = "must be an integer from 1 to " + ApiRequestLimits.MAX_PER_MINUTE)
                  @Max(value = ApiRequestLimits.MAX_PER_MINUTE, message = "must be an integer from 1 to "
                          + ApiRequestLimits.MAX_PER_MINUTE) Integer> apiRequestsPerMinute,
            Patch<@Valid @BudgetLimit(Budget.MAX_REQUESTS) BudgetBody> requestBudget,
            Patch<@Valid @BudgetLimit(Budget.MAX_COST) BudgetBody> costBudget,
            Patch<@Label String> team,
            Patch<@Label String> owner,
            Patch<@Size(max = Audiences.MAX_COUNT, message = AUDIENCES_SIZE) List<@NotNull(message = "must be a string")
                    @AudienceText String>> audiences) {

        /** The change this body asks for: each member present is set (null removes it), the others kept. */
        KeyChange change() {
            KeyChange.Builder change = KeyChange.builder();
            name.map(KeyRequests::label).ifPresent(change::name);
            scopes.map(KeyRequests::scopes).ifPresent(change::scopes);
            expiresAt.ifPresent(change::expiresAt);
            allowedCidrs.map(KeyRequests::cidrs).ifPresent(change::allowedCidrs);
            rateLimitPerMinute.ifPresent(change::rateLimitPerMinute);
            quota.map(QuotaBody::quota).ifPresent(change::quota);
            apiRequestsPerMinute.ifPresent(change::apiRequestsPerMinute);
            requestBudget.map(BudgetBody::budget).ifPresent(change::requestBudget);
            costBudget.map(BudgetBody::budget).ifPresent(change::costBudget);
            team.map(KeyRequests::label).ifPresent(change::team);
            owner.map(KeyRequests::label).ifPresent(change::owner);
            audiences.map(KeyRequests::audiences).ifPresent(change::audiences);
            return change.build();
        }
    }

    /**
     * {@code POST /admin/v1/keys/{id}/reroll}: how long the replaced secret keeps working, in whole
     * seconds like the API's other durations' units ({@code rate_limit_per_minute}); required, so
     * that cutting callers off at once is a choice.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Reroll(
            @NotNull(message = GRACE_RANGE) @Min(value = 0, message = GRACE_RANGE)
            @Max(value = KeyAdministration.MAX_REROLL_GRACE_SECONDS, message = GRACE_RANGE) Long gracePeriodSeconds) {

        static final String GRACE_RANGE = "must be an integer from 0 to " + KeyAdministration.MAX_REROLL_GRACE_SECONDS
                + " (7 days)";

        Duration grace() {
            return Duration.ofSeconds(gracePeriodSeconds);
        }
    }

    /** An issuance quota: {@code {"limit": n, "period": "day"|"week"|"month"}}. */
    record QuotaBody(
            @NotNull(message = "must be an integer from 1 to " + Quota.MAX_LIMIT)
            @Min(value = 1, message = "must be an integer from 1 to " + Quota.MAX_LIMIT)
            @Max(value = Quota.MAX_LIMIT, message = "must be an integer from 1 to " + Quota.MAX_LIMIT) Long limit,
            @NotNull(message = "must be day, week or month")
            @Pattern(regexp = "day|week|month", message = "must be day, week or month") String period) {

        static Quota quota(QuotaBody body) {
            return body == null ? null : new Quota(body.limit, Quota.Period.of(body.period));
        }
    }

    /**
     * A budget: {@code {"limit": n, "period": "day"|"week"|"month"|"none"}}. The upper bound of
     * {@code limit} depends on what is budgeted, so the member names it ({@link FieldRules.BudgetLimit}).
     */
    record BudgetBody(
            @NotNull(message = "must be a positive integer")
            @Min(value = 1, message = "must be a positive integer") Long limit,
            @NotNull(message = "must be day, week, month or none")
            @Pattern(regexp = "day|week|month|none", message = "must be day, week, month or none") String period) {

        static Budget budget(BudgetBody body) {
            return body == null ? null : new Budget(body.limit, Budget.period(body.period));
        }
    }

    /** Valid scope texts as scopes, duplicates dropped, in order; null stays null. */
    static List<Scope> scopes(List<String> texts) {
        return texts == null ? null : texts.stream().map(Scope::parse).distinct().toList();
    }

    /** Valid CIDR texts as ranges, duplicates dropped, in order; null stays null. */
    static List<CidrRange> cidrs(List<String> texts) {
        return texts == null ? null : texts.stream().map(CidrRange::parse).distinct().toList();
    }

    /** Valid audiences, duplicates dropped, in order (the first is the key's default); null stays null. */
    static List<String> audiences(List<String> texts) {
        return texts == null ? null : texts.stream().distinct().toList();
    }

    /** A label as stored: stripped of surrounding white space. */
    static String label(String text) {
        return text == null ? null : text.strip();
    }
}
