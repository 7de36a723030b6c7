package dev.keymint.sdk.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keymint.sdk.Scopes;
import dev.keymint.sdk.TokenRejectedException;
import dev.keymint.sdk.TokenRejectedException.Reason;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** The claim rules, on payloads as the JSON reader returns them (Long, Double, String, List, Map). */
class AccessTokenClaimsTest {

    private static final String ISSUER = "https://auth.example.com";
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private static final long T = NOW.getEpochSecond();
    private static final Duration SKEW = Duration.ofSeconds(30);

    private final AccessTokenClaims strict = new AccessTokenClaims(ISSUER, "billing-api", "acme", SKEW);
    private final AccessTokenClaims open = new AccessTokenClaims(ISSUER, null, null, SKEW);

    private static Map<String, Object> claims(Object... overrides) {
        Map<String, Object> claims = new HashMap<>(Map.of("iss", ISSUER, "sub", "key_abc", "client_id", "key_abc",
                "aud", "billing-api", "org", "acme", "scope", "read:projects/42/**", "iat", T, "nbf", T, "exp", T + 600,
                "jti", "j1"));
        for (int i = 0; i < overrides.length; i += 2) {
            if (overrides[i + 1] == null) {
                claims.remove((String) overrides[i]);
            } else {
                claims.put((String) overrides[i], overrides[i + 1]);
            }
        }
        return claims;
    }

    private static void assertRejected(ThrowingCallable call, Reason reason) {
        assertThatThrownBy(call).isInstanceOfSatisfying(TokenRejectedException.class,
                e -> assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason));
    }

    @Test
    void checkWhenEveryClaimValidThenTypedValues() {
        Map<String, Object> claims = claims("team", "payments", "aud", List.of("other", "billing-api"));

        AccessTokenClaims.Checked checked = strict.check(claims, NOW);

        assertThat(checked.subject()).isEqualTo("key_abc");
        assertThat(checked.clientId()).isEqualTo("key_abc");
        assertThat(checked.organization()).isEqualTo("acme");
        assertThat(checked.team()).isEqualTo("payments");
        assertThat(checked.audience()).containsExactly("other", "billing-api");
        assertThat(checked.scopes()).isEqualTo(Scopes.parse("read:projects/42/**"));
        assertThat(checked.issuedAt()).isEqualTo(NOW);
        assertThat(checked.expiresAt()).isEqualTo(NOW.plusSeconds(600));
        assertThat(checked.id()).isEqualTo("j1");
        assertThat(checked.all()).isSameAs(claims);
    }

    @Test
    void checkWhenIssuerDiffersInAnyWayThenWrongIssuer() {
        for (Object iss : new Object[] {ISSUER + "/", "https://AUTH.example.com", List.of(ISSUER)}) {
            assertRejected(() -> strict.check(claims("iss", iss), NOW), Reason.WRONG_ISSUER);
        }
        assertRejected(() -> strict.check(claims("iss", null), NOW), Reason.WRONG_ISSUER);
    }

    @Test
    void checkWhenExpiredBeyondTheSkewThenExpired() {
        assertThat(strict.check(claims("exp", T - 29), NOW).expiresAt()).isEqualTo(NOW.minusSeconds(29));
        assertRejected(() -> strict.check(claims("exp", T - 30), NOW), Reason.EXPIRED);
    }

    @Test
    void checkWhenIssuedOrStartingBeyondTheSkewThenNotYetValid() {
        assertThat(strict.check(claims("iat", T + 30, "nbf", T + 30), NOW).issuedAt()).isEqualTo(NOW.plusSeconds(30));
        assertRejected(() -> strict.check(claims("iat", T + 31), NOW), Reason.NOT_YET_VALID);
        assertRejected(() -> strict.check(claims("nbf", T + 31), NOW), Reason.NOT_YET_VALID);
    }

    @Test
    void checkWhenTimesAreFractionalThenWholeSecondsDown() {
        AccessTokenClaims.Checked checked = strict.check(claims("iat", T + 0.9, "exp", T + 600.5), NOW);

        assertThat(checked.issuedAt()).isEqualTo(NOW);
        assertThat(checked.expiresAt()).isEqualTo(NOW.plusSeconds(600));
    }

    @Test
    void checkWhenTimeMissingNotANumberOrOutOfRangeThenMalformed() {
        assertRejected(() -> strict.check(claims("exp", null), NOW), Reason.MALFORMED);
        assertRejected(() -> strict.check(claims("iat", null), NOW), Reason.MALFORMED);
        assertRejected(() -> strict.check(claims("exp", String.valueOf(T + 600)), NOW), Reason.MALFORMED);
        assertRejected(() -> strict.check(claims("iat", -1L), NOW), Reason.MALFORMED);
        assertRejected(() -> strict.check(claims("exp", 1e14), NOW), Reason.MALFORMED);
        assertRejected(() -> strict.check(claims("nbf", Double.NaN), NOW), Reason.MALFORMED);
        assertThat(strict.check(claims("nbf", null), NOW).id()).isEqualTo("j1");
    }

    @Test
    void checkWhenAudienceMissingOrMalformedThenMalformedAndWhenOtherThenWrongAudience() {
        assertRejected(() -> strict.check(claims("aud", "other"), NOW), Reason.WRONG_AUDIENCE);
        assertRejected(() -> strict.check(claims("aud", List.of("other")), NOW), Reason.WRONG_AUDIENCE);
        assertRejected(() -> open.check(claims("aud", null), NOW), Reason.MALFORMED);
        assertRejected(() -> open.check(claims("aud", List.of()), NOW), Reason.MALFORMED);
        assertRejected(() -> open.check(claims("aud", List.of("a", 1L)), NOW), Reason.MALFORMED);
        assertThat(open.check(claims("aud", "anything"), NOW).audience()).containsExactly("anything");
    }

    @Test
    void checkWhenOrganizationOtherOrAbsentThenWrongOrganization() {
        assertRejected(() -> strict.check(claims("org", "globex"), NOW), Reason.WRONG_ORGANIZATION);
        assertRejected(() -> strict.check(claims("org", null), NOW), Reason.WRONG_ORGANIZATION);
        assertRejected(() -> open.check(claims("org", 42L), NOW), Reason.MALFORMED);
        assertThat(open.check(claims("org", null), NOW).organization()).isNull();
    }

    @Test
    void checkWhenScopeAbsentThenEmptyAndWhenInvalidThenMalformed() {
        assertThat(strict.check(claims("scope", null), NOW).scopes().isEmpty()).isTrue();
        assertRejected(() -> strict.check(claims("scope", "read"), NOW), Reason.MALFORMED);
        assertRejected(() -> strict.check(claims("scope", List.of("read:a")), NOW), Reason.MALFORMED);
    }

    @Test
    void checkWhenIdentifyingClaimMissingOrEmptyThenMalformed() {
        for (String name : List.of("sub", "client_id", "jti")) {
            assertRejected(() -> strict.check(claims(name, null), NOW), Reason.MALFORMED);
            assertRejected(() -> strict.check(claims(name, ""), NOW), Reason.MALFORMED);
            assertRejected(() -> strict.check(claims(name, 7L), NOW), Reason.MALFORMED);
        }
        assertRejected(() -> strict.check(claims("team", List.of("a")), NOW), Reason.MALFORMED);
    }

    @Test
    void requestsPerMinuteWhenAbsentThenZeroAndWhenNotAnIntegerInRangeThenMalformed() {
        assertThat(AccessTokenClaims.requestsPerMinute(null)).isZero();
        assertThat(AccessTokenClaims.requestsPerMinute(1L)).isEqualTo(1);
        assertThat(AccessTokenClaims.requestsPerMinute(1_000_000L)).isEqualTo(1_000_000);
        for (Object bad : new Object[] {0L, -5L, 1_000_001L, 60.0, "60"}) {
            assertThatThrownBy(() -> AccessTokenClaims.requestsPerMinute(bad)).as(String.valueOf(bad))
                    .isInstanceOfSatisfying(TokenRejectedException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED));
        }
    }
}
