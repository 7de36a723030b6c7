package dev.keymint.sdk;

import static dev.keymint.sdk.TokenFixture.AUDIENCE;
import static dev.keymint.sdk.TokenFixture.ISSUER;
import static dev.keymint.sdk.TokenFixture.KEY;
import static dev.keymint.sdk.TokenFixture.ORG;
import static dev.keymint.sdk.TokenFixture.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keymint.sdk.TokenFixture.MutableClock;
import dev.keymint.sdk.TokenRejectedException.Reason;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TokenVerifierTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final FakeFetcher fetcher = new FakeFetcher(TokenFixture.jwks(KEY, TokenFixture.OTHER_KEY));
    private final TokenVerifier verifier = TokenVerifier.forIssuer(ISSUER)
            .jwksUri(URI.create("https://auth.example.com/jwks"))
            .fetcher(fetcher).audience(AUDIENCE).organization(ORG).clock(clock).build();

    private static void assertRejected(ThrowingCallable call, Reason reason) {
        assertThatThrownBy(call).isInstanceOfSatisfying(TokenRejectedException.class,
                e -> assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason));
    }

    @Test
    void verifyWhenValidThenClaimsExposedAsPlainJava() {
        String jwt = token(clock).claim("team", "payments").claim("aud", List.of("other", AUDIENCE))
                .claim("extra", Map.of("n", 1)).build();
        VerifiedToken token = verifier.verify("Bearer " + jwt);
        assertThat(token.subject()).isEqualTo("key_abc");
        assertThat(token.clientId()).isEqualTo("key_abc");
        assertThat(token.organization()).isEqualTo(ORG);
        assertThat(token.team()).contains("payments");
        assertThat(token.audience()).containsExactly("other", AUDIENCE);
        assertThat(token.scopes().toString()).isEqualTo("read:projects/42/** write:projects/42/invoices/*");
        assertThat(token.issuedAt()).isEqualTo(clock.instant());
        assertThat(token.expiresAt()).isEqualTo(clock.instant().plusSeconds(600));
        assertThat(token.id()).isNotBlank();
        assertThat(token.claim("extra")).isEqualTo(Map.of("n", 1L));
        assertThat(token.claim("exp")).isInstanceOf(Long.class);
        assertThat(token.claim("missing")).isNull();
        assertThatThrownBy(() -> token.claims().put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
        assertThat(verifier.verify(jwt).id()).isEqualTo(token.id());
        assertThat(verifier.verify("bearer   " + jwt + "  ").id()).isEqualTo(token.id());
    }

    @Test
    void requireWhenScopeCoveredThenChainsElseInsufficientScope() {
        VerifiedToken token = verifier.verify(token(clock).build());
        assertThat(token.require("read", "projects/42/docs/7").require("write", "projects/42/invoices/9")).isSameAs(token);
        assertThat(token.allows("read", "projects/42/**")).isTrue();
        assertThat(token.allows("write", "projects/42/docs/7")).isFalse();
        assertThatThrownBy(() -> token.require("admin", "projects/42"))
                .isInstanceOfSatisfying(InsufficientScopeException.class, e -> {
                    assertThat(e.required()).isEqualTo(Scope.parse("admin:projects/42"));
                    assertThat(e.httpStatus()).isEqualTo(403);
                    assertThat(e.bearerError()).isEqualTo("insufficient_scope");
                })
                .isInstanceOf(KeymintException.class);
    }

    @Test
    void verifyWhenAlgNoneThenUnsupportedAlgorithm() {
        // an unsecured JWS (empty signature) is not even a candidate
        assertRejected(() -> verifier.verify(token(clock).header("alg", "none").build()), Reason.MALFORMED);
        String valid = token(clock).build();
        String signature = valid.substring(valid.lastIndexOf('.'));
        assertRejected(() -> verifier.verify(token(clock).header("alg", "none").unsigned() + signature),
                Reason.UNSUPPORTED_ALGORITHM);
        assertRejected(() -> verifier.verify(token(clock).header("alg", "NONE").unsigned() + signature),
                Reason.UNSUPPORTED_ALGORITHM);
        assertRejected(() -> verifier.verify(token(clock).header("alg", null).unsigned() + signature),
                Reason.UNSUPPORTED_ALGORITHM);
    }

    @Test
    void verifyWhenHs256SignedWithRsaPublicKeyThenUnsupportedAlgorithm() throws Exception {
        byte[] publicKeyDer = KEY.toRSAPublicKey().getEncoded();
        assertRejected(() -> verifier.verify(token(clock).hmacWith(publicKeyDer).build()), Reason.UNSUPPORTED_ALGORITHM);
        byte[] jwkJson = KEY.toPublicJWK().toJSONString().getBytes();
        assertRejected(() -> verifier.verify(token(clock).hmacWith(jwkJson).build()), Reason.UNSUPPORTED_ALGORITHM);
        assertRejected(() -> verifier.verify(token(clock).hmacWith(publicKeyDer).header("alg", "HS512").build()),
                Reason.UNSUPPORTED_ALGORITHM);
    }

    @Test
    void verifyWhenSignedByWrongKeyUnderKnownKidThenBadSignature() {
        String jwt = token(clock).signedWith(TokenFixture.ATTACKER_KEY).kid("k1").build();
        assertRejected(() -> verifier.verify(jwt), Reason.BAD_SIGNATURE);
    }

    @Test
    void verifyWhenPayloadTamperedThenBadSignature() {
        String jwt = token(clock).build();
        String forged = token(clock).claim("scope", "*:**").unsigned();
        String tampered = forged + jwt.substring(jwt.lastIndexOf('.'));
        assertRejected(() -> verifier.verify(tampered), Reason.BAD_SIGNATURE);
        char secondLast = jwt.charAt(jwt.length() - 2);
        String flipped = jwt.substring(0, jwt.length() - 2) + (secondLast == 'A' ? 'B' : 'A') + jwt.charAt(jwt.length() - 1);
        assertRejected(() -> verifier.verify(flipped), Reason.BAD_SIGNATURE);
    }

    @Test
    void verifyWhenJkuOrEmbeddedJwkPointsAtAttackerKeyThenIgnored() {
        Map<String, Object> attackerJwk = TokenFixture.ATTACKER_KEY.toPublicJWK().toJSONObject();
        String withJwk = token(clock).signedWith(TokenFixture.ATTACKER_KEY).header("jwk", attackerJwk).build();
        assertRejected(() -> verifier.verify(withJwk), Reason.UNKNOWN_KEY);
        String withJku = token(clock).signedWith(TokenFixture.ATTACKER_KEY).kid("k1")
                .header("jku", "https://attacker.example/jwks").header("x5u", "https://attacker.example/cert").build();
        assertRejected(() -> verifier.verify(withJku), Reason.BAD_SIGNATURE);
        assertThat(fetcher.fetched).allMatch(u -> u.getHost().equals("auth.example.com"));
    }

    @Test
    void verifyWhenExpiredThenExpiredUnlessWithinSkew() {
        String jwt = token(clock).build();
        clock.advance(Duration.ofSeconds(600 + 29));
        assertThat(verifier.verify(jwt)).isNotNull();
        clock.advance(Duration.ofSeconds(1));
        assertRejected(() -> verifier.verify(jwt), Reason.EXPIRED);
    }

    @Test
    void verifyWhenNotBeforeOrIssuedInFutureThenNotYetValid() {
        Instant now = clock.instant();
        assertRejected(() -> verifier.verify(token(clock).claim("nbf", now.getEpochSecond() + 60).build()), Reason.NOT_YET_VALID);
        assertRejected(() -> verifier.verify(token(clock).claim("iat", now.getEpochSecond() + 60).build()), Reason.NOT_YET_VALID);
        assertThat(verifier.verify(token(clock).claim("nbf", now.getEpochSecond() + 25).build())).isNotNull();
    }

    @Test
    void verifyWhenWrongIssuerAudienceOrOrganizationThenRejected() {
        assertRejected(() -> verifier.verify(token(clock).claim("iss", ISSUER + "/").build()), Reason.WRONG_ISSUER);
        assertRejected(() -> verifier.verify(token(clock).claim("iss", null).build()), Reason.WRONG_ISSUER);
        assertRejected(() -> verifier.verify(token(clock).claim("aud", "other-api").build()), Reason.WRONG_AUDIENCE);
        assertRejected(() -> verifier.verify(token(clock).claim("aud", List.of("a", "b")).build()), Reason.WRONG_AUDIENCE);
        assertRejected(() -> verifier.verify(token(clock).claim("org", "globex").build()), Reason.WRONG_ORGANIZATION);
        assertRejected(() -> verifier.verify(token(clock).claim("org", null).build()), Reason.WRONG_ORGANIZATION);
    }

    @Test
    void verifyWhenTypeMissingOrWrongThenWrongType() {
        assertRejected(() -> verifier.verify(token(clock).header("typ", null).build()), Reason.WRONG_TYPE);
        assertRejected(() -> verifier.verify(token(clock).header("typ", "JWT").build()), Reason.WRONG_TYPE);
        assertThat(verifier.verify(token(clock).header("typ", "AT+JWT").build())).isNotNull();
        assertThat(verifier.verify(token(clock).header("typ", "application/at+jwt").build())).isNotNull();
    }

    @Test
    void verifyWhenOversizeThenTooLargeBeforeParsing() {
        String huge = "!".repeat(9000);
        assertRejected(() -> verifier.verify(huge), Reason.TOO_LARGE);
        String big = token(clock).claim("pad", "x".repeat(7000)).build();
        assertRejected(() -> verifier.verify(big), Reason.TOO_LARGE);
        assertThat(fetcher.count()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "Bearer ", "abc", "a.b", "a.b.c.d", "a..c", ".b.c", "a.b.", "eyJ!.eyJ.sig", "e30.e30.c2ln",
            "bm90anNvbg.e30.c2ln", "W10.e30.c2ln"})
    void verifyWhenNotACompactJwsThenMalformed(String input) {
        // e30 = {}: an object without alg; W10 = []: not an object at all
        assertRejected(() -> verifier.verify(input), input.startsWith("e30") ? Reason.UNSUPPORTED_ALGORITHM : Reason.MALFORMED);
    }

    @Test
    void verifyWhenNullThenMalformed() {
        assertRejected(() -> verifier.verify(null), Reason.MALFORMED);
    }

    @Test
    void verifyWhenRequiredClaimMissingOrInvalidThenMalformed() {
        for (String claim : List.of("sub", "client_id", "jti", "exp", "iat", "aud")) {
            assertRejected(() -> verifier.verify(token(clock).claim(claim, null).build()), Reason.MALFORMED);
        }
        assertRejected(() -> verifier.verify(token(clock).claim("exp", "soon").build()), Reason.MALFORMED);
        assertRejected(() -> verifier.verify(token(clock).claim("scope", "read:a//b").build()), Reason.MALFORMED);
        assertRejected(() -> verifier.verify(token(clock).claim("scope", List.of("read:a")).build()), Reason.MALFORMED);
        assertRejected(() -> verifier.verify(token(clock).header("crit", List.of("exp")).build()), Reason.MALFORMED);
        assertThat(verifier.verify(token(clock).claim("scope", null).build()).scopes().isEmpty()).isTrue();
    }

    @Test
    void verifyWhenEs256OrEdDsaConfiguredThenAccepted() {
        TokenVerifier multi = TokenVerifier.forIssuer(ISSUER)
                .jwks(TokenFixture.jwks(KEY, TokenFixture.EC_KEY, TokenFixture.ED_JWK))
                .algorithms(SignatureAlgorithm.RS256, SignatureAlgorithm.ES256, SignatureAlgorithm.EdDSA)
                .clock(clock).build();
        assertThat(multi.verify(token(clock).signedWith(TokenFixture.EC_KEY).build()).subject()).isEqualTo("key_abc");
        assertThat(multi.verify(token(clock).signedWith(TokenFixture.ED_JWK).build()).subject()).isEqualTo("key_abc");
        assertThat(multi.verify(token(clock).build()).subject()).isEqualTo("key_abc");
        String edForged = token(clock).signedWith(TokenFixture.ED_JWK).build();
        String tampered = token(clock).claim("sub", "admin").signedWith(TokenFixture.ED_JWK).unsigned()
                + edForged.substring(edForged.lastIndexOf('.'));
        assertRejected(() -> multi.verify(tampered), Reason.BAD_SIGNATURE);
    }

    @Test
    void verifyWhenAlgorithmNotConfiguredThenUnsupported() {
        TokenVerifier rsaOnly = TokenVerifier.forIssuer(ISSUER)
                .jwks(TokenFixture.jwks(KEY, TokenFixture.EC_KEY)).clock(clock).build();
        assertRejected(() -> rsaOnly.verify(token(clock).signedWith(TokenFixture.EC_KEY).build()), Reason.UNSUPPORTED_ALGORITHM);
        // an ES256 token whose header claims RS256 against an EC kid finds no RS256 key under that kid
        assertRejected(() -> rsaOnly.verify(token(clock).kid("e1").build()), Reason.UNKNOWN_KEY);
    }

    @Test
    void verifyWhenNoKidAndSingleKeyThenThatKeyIsUsed() {
        TokenVerifier single = TokenVerifier.forIssuer(ISSUER).jwks(TokenFixture.jwks(KEY)).clock(clock).build();
        assertThat(single.verify(token(clock).kid(null).build())).isNotNull();
        assertRejected(() -> verifier.verify(token(clock).kid(null).build()), Reason.UNKNOWN_KEY);
    }

    @Test
    void rejectionMapsToRfc6750() {
        TokenRejectedException bad = new TokenRejectedException(Reason.EXPIRED, "x");
        assertThat(bad.httpStatus()).isEqualTo(401);
        assertThat(bad.bearerError()).contains("invalid_token");
        TokenRejectedException ours = new TokenRejectedException(Reason.JWKS_UNAVAILABLE, "x");
        assertThat(ours.httpStatus()).isEqualTo(503);
        assertThat(ours.isServerFailure()).isTrue();
        assertThat(ours.bearerError()).isEmpty();
    }

    @Test
    void buildWhenBadCombinationThenRefused() {
        assertThatThrownBy(() -> TokenVerifier.forIssuer(ISSUER).jwks(TokenFixture.jwks(KEY))
                .jwksUri(URI.create("https://x/jwks")).build()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> TokenVerifier.forIssuer(ISSUER).fetcher(fetcher)
                .connectTimeout(Duration.ofSeconds(1)).build()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> TokenVerifier.forIssuer(ISSUER)
                .cacheLifetime(Duration.ofHours(2), Duration.ofHours(1)).build()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> TokenVerifier.forIssuer("http://auth.example.com").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("https");
        assertThatThrownBy(() -> TokenVerifier.forIssuer(ISSUER).jwksUri(URI.create("http://evil.example/jwks")).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(TokenVerifier.forIssuer(ISSUER).jwksUri(URI.create("http://keymint:8080/oauth/jwks"))
                .allowPlainHttp().build()).as("plain http only when asked for").isNotNull();
        assertThatThrownBy(() -> TokenVerifier.forIssuer(ISSUER).clockSkew(Duration.ofHours(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TokenVerifier.forIssuer(ISSUER).algorithms()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TokenVerifier.forIssuer(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TokenVerifier.forIssuer(ISSUER).jwks("{\"keys\":[]}").build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(TokenVerifier.forIssuer("http://localhost:9000").build()).isNotNull();
    }
}
