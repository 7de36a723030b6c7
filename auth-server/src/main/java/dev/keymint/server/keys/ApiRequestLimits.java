package dev.keymint.server.keys;

/**
 * What a key may do at the resource servers, as opposed to at the token endpoint: API requests in
 * any rolling 60 seconds (carried in its tokens and enforced by the resource servers), and budgets
 * on the usage they report. Each part may be null: no limit.
 */
public record ApiRequestLimits(Integer requestsPerMinute, Budget requestBudget, Budget costBudget) {

    public static final ApiRequestLimits NONE = new ApiRequestLimits(null, null, null);
    public static final int MAX_PER_MINUTE = 1_000_000;

    public boolean hasBudget() {
        return requestBudget != null || costBudget != null;
    }
}
