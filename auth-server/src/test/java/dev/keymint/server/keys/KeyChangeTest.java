package dev.keymint.server.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keymint.sdk.Scope;
import dev.keymint.server.network.CidrRange;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A change names the settings it changes; everything else about the key stays as it was. */
class KeyChangeTest {

    private static final Instant CREATED = Instant.parse("2026-01-01T00:00:00Z");
    private static final Budget REQUESTS = new Budget(1000, Quota.Period.DAY);
    private static final Budget COST = new Budget(50, Quota.Period.MONTH);
    private static final ApiKey KEY = new ApiKey("4mD0vY2nQ8bL1xKe", 7, "acme", "billing", new byte[] {1, 2},
            List.of("read:projects/**"), KeyStatus.DISABLED, "payments", "ada", Instant.parse("2027-01-01T00:00:00Z"),
            CREATED, CREATED.plusSeconds(60), List.of(CidrRange.parse("10.0.0.0/8")), 30,
            new Quota(100, Quota.Period.WEEK), null, 42, new ApiRequestLimits(600, REQUESTS, COST),
            Instant.parse("2026-02-01T00:00:00Z"), null, List.of("https://billing.example.com"), null);

    @Test
    void changeKeepsEverySettingItDoesNotName() {
        ApiKey changed = KeyChange.builder().name("billing v2").build().applyTo(KEY);

        assertThat(changed.name()).isEqualTo("billing v2");
        assertThat(changed).usingRecursiveComparison().ignoringFields("name").isEqualTo(KEY);
    }

    @Test
    void changeNamingASettingWithNullRemovesIt() {
        ApiKey changed = KeyChange.builder().team(null).expiresAt(null).allowedCidrs(null).rateLimitPerMinute(null)
                .quota(null).requestBudget(null).audiences(null).build().applyTo(KEY);

        assertThat(changed.team()).isNull();
        assertThat(changed.expiresAt()).isNull();
        assertThat(changed.allowedCidrs()).isEmpty();
        assertThat(changed.rateLimitPerMinute()).isNull();
        assertThat(changed.quota()).isNull();
        assertThat(changed.apiLimits()).isEqualTo(new ApiRequestLimits(600, null, COST));
        assertThat(changed.owner()).isEqualTo("ada");
        assertThat(changed.audiences()).isEmpty();
    }

    @Test
    void changeNeverTouchesIdentityStatusHistoryOrOverBudgetTime() {
        ApiKey changed = KeyChange.builder().scopes(List.of(Scope.parse("read:x"), Scope.parse("write:x/*")))
                .owner("grace").apiRequestsPerMinute(null).costBudget(REQUESTS).build().applyTo(KEY);

        assertThat(changed.scopes()).containsExactly("read:x", "write:x/*");
        assertThat(changed.owner()).isEqualTo("grace");
        assertThat(changed.apiLimits()).isEqualTo(new ApiRequestLimits(null, REQUESTS, REQUESTS));
        assertThat(changed).usingRecursiveComparison().comparingOnlyFields("id", "organizationId", "organizationSlug",
                "secretDigest", "status", "createdAt", "lastUsedAt", "revokedAt", "statusIndex", "overBudgetUntil")
                .isEqualTo(KEY);
    }

    @Test
    void nameAndScopesCannotBeRemoved() {
        assertThatThrownBy(() -> KeyChange.builder().name(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KeyChange.builder().scopes(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KeyChange.builder().scopes(List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
