package dev.keymint.server.keys;

import dev.keymint.sdk.Scope;
import dev.keymint.server.network.CidrRange;
import java.time.Instant;
import java.util.List;

/**
 * What an update changes on a key: every setting the caller names, by name, to its new value; a
 * setting not named keeps its value, one named with null is removed (no expiry, no limit, no
 * team…). Built with {@link #builder()}, and applied to the key in one place, {@link #applyTo}, so
 * that no caller rebuilds an {@link ApiKey} component by component.
 */
public final class KeyChange {

    private final Edit<String> name;
    private final Edit<List<Scope>> scopes;
    private final Edit<String> team;
    private final Edit<String> owner;
    private final Edit<Instant> expiresAt;
    private final Edit<List<CidrRange>> allowedCidrs;
    private final Edit<Integer> rateLimitPerMinute;
    private final Edit<Quota> quota;
    private final Edit<Integer> apiRequestsPerMinute;
    private final Edit<Budget> requestBudget;
    private final Edit<Budget> costBudget;
    private final Edit<List<String>> audiences;

    private KeyChange(Builder builder) {
        this.name = builder.name;
        this.scopes = builder.scopes;
        this.team = builder.team;
        this.owner = builder.owner;
        this.expiresAt = builder.expiresAt;
        this.allowedCidrs = builder.allowedCidrs;
        this.rateLimitPerMinute = builder.rateLimitPerMinute;
        this.quota = builder.quota;
        this.apiRequestsPerMinute = builder.apiRequestsPerMinute;
        this.requestBudget = builder.requestBudget;
        this.costBudget = builder.costBudget;
        this.audiences = builder.audiences;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Whether the change names the scopes (an agent's key takes them from its agent only). */
    public boolean changesScopes() {
        return scopes.changed();
    }

    /** The key as it is after this change; its identity, status, history and over-budget time are kept. */
    ApiKey applyTo(ApiKey key) {
        ApiRequestLimits limits = key.apiLimits();
        return new ApiKey(key.id(), key.organizationId(), key.organizationSlug(),
                name.applyTo(key.name()),
                key.secretDigest(),
                scopes.changed() ? scopes.value().stream().map(Scope::toString).toList() : key.scopes(),
                key.status(),
                team.applyTo(key.team()),
                owner.applyTo(key.owner()),
                expiresAt.applyTo(key.expiresAt()),
                key.createdAt(), key.lastUsedAt(),
                allowedCidrs.applyTo(key.allowedCidrs()),
                rateLimitPerMinute.applyTo(key.rateLimitPerMinute()),
                quota.applyTo(key.quota()),
                key.revokedAt(), key.statusIndex(),
                new ApiRequestLimits(apiRequestsPerMinute.applyTo(limits.requestsPerMinute()),
                        requestBudget.applyTo(limits.requestBudget()), costBudget.applyTo(limits.costBudget())),
                key.overBudgetUntil(), key.previousSecret(),
                audiences.applyTo(key.audiences()), key.imported());
    }

    /** One setting: left as it is, or set to a value (null removes it). */
    private record Edit<T>(boolean changed, T value) {

        @SuppressWarnings("rawtypes")
        private static final Edit KEEP = new Edit<>(false, null);

        @SuppressWarnings("unchecked")
        static <T> Edit<T> keep() {
            return KEEP;
        }

        static <T> Edit<T> to(T value) {
            return new Edit<>(true, value);
        }

        T applyTo(T current) {
            return changed ? value : current;
        }
    }

    /** Names the settings to change; each call replaces an earlier one for the same setting. */
    public static final class Builder {

        private Edit<String> name = Edit.keep();
        private Edit<List<Scope>> scopes = Edit.keep();
        private Edit<String> team = Edit.keep();
        private Edit<String> owner = Edit.keep();
        private Edit<Instant> expiresAt = Edit.keep();
        private Edit<List<CidrRange>> allowedCidrs = Edit.keep();
        private Edit<Integer> rateLimitPerMinute = Edit.keep();
        private Edit<Quota> quota = Edit.keep();
        private Edit<Integer> apiRequestsPerMinute = Edit.keep();
        private Edit<Budget> requestBudget = Edit.keep();
        private Edit<Budget> costBudget = Edit.keep();
        private Edit<List<String>> audiences = Edit.keep();

        private Builder() {
        }

        /** A key always has a name: null is refused. */
        public Builder name(String name) {
            this.name = Edit.to(requireValue(name, "name"));
            return this;
        }

        /** A key always has at least one scope: null or none is refused. */
        public Builder scopes(List<Scope> scopes) {
            if (requireValue(scopes, "scopes").isEmpty()) {
                throw new IllegalArgumentException("a key needs at least one scope");
            }
            this.scopes = Edit.to(List.copyOf(scopes));
            return this;
        }

        /** null: for all teams. */
        public Builder team(String team) {
            this.team = Edit.to(team);
            return this;
        }

        public Builder owner(String owner) {
            this.owner = Edit.to(owner);
            return this;
        }

        /** null: never expires. */
        public Builder expiresAt(Instant expiresAt) {
            this.expiresAt = Edit.to(expiresAt);
            return this;
        }

        /** null or empty: from anywhere. */
        public Builder allowedCidrs(List<CidrRange> allowedCidrs) {
            this.allowedCidrs = Edit.to(allowedCidrs == null ? List.of() : List.copyOf(allowedCidrs));
            return this;
        }

        /** null: no rate limit. */
        public Builder rateLimitPerMinute(Integer rateLimitPerMinute) {
            this.rateLimitPerMinute = Edit.to(rateLimitPerMinute);
            return this;
        }

        /** null: no quota. */
        public Builder quota(Quota quota) {
            this.quota = Edit.to(quota);
            return this;
        }

        /** null: no limit on API requests. */
        public Builder apiRequestsPerMinute(Integer apiRequestsPerMinute) {
            this.apiRequestsPerMinute = Edit.to(apiRequestsPerMinute);
            return this;
        }

        /** null: no request budget. */
        public Builder requestBudget(Budget requestBudget) {
            this.requestBudget = Edit.to(requestBudget);
            return this;
        }

        /** null: no cost budget. */
        public Builder costBudget(Budget costBudget) {
            this.costBudget = Edit.to(costBudget);
            return this;
        }

        /** null or empty: the server's default audience only. */
        public Builder audiences(List<String> audiences) {
            this.audiences = Edit.to(audiences == null ? List.of() : List.copyOf(audiences));
            return this;
        }

        public KeyChange build() {
            return new KeyChange(this);
        }

        private static <T> T requireValue(T value, String setting) {
            if (value == null) {
                throw new IllegalArgumentException(setting + " cannot be removed from a key");
            }
            return value;
        }
    }
}
