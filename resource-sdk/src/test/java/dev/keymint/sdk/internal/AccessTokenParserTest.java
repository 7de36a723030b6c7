package dev.keymint.sdk.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keymint.sdk.SignatureAlgorithm;
import dev.keymint.sdk.TokenFixture;
import dev.keymint.sdk.TokenFixture.TokenBuilder;
import dev.keymint.sdk.TokenRejectedException;
import dev.keymint.sdk.TokenRejectedException.Reason;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The shape and header rules, on tokens whose signature is never looked at. */
class AccessTokenParserTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private static final String SIGNATURE = ".c2lnbmF0dXJl";

    private final AccessTokenParser parser = new AccessTokenParser(EnumSet.of(SignatureAlgorithm.RS256,
            SignatureAlgorithm.EdDSA), AccessTokenParserTest::byJwsName, 512);

    private static SignatureAlgorithm byJwsName(String alg) {
        return Arrays.stream(SignatureAlgorithm.values()).filter(a -> a.jwsName().equals(alg)).findFirst().orElse(null);
    }

    private static TokenBuilder token() {
        return TokenFixture.token(NOW).claim("jti", "j1");
    }

    private static void assertRejected(ThrowingCallable call, Reason reason) {
        assertThatThrownBy(call).isInstanceOfSatisfying(TokenRejectedException.class,
                e -> assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason));
    }

    @Test
    void parseWhenWellFormedThenPartsHeaderAndClaimsOnRequest() {
        String unsigned = token().unsigned();

        AccessTokenParser.Parsed parsed = parser.parse("bearer  " + unsigned + SIGNATURE + " ");

        assertThat(parsed.token()).isEqualTo(unsigned + SIGNATURE);
        assertThat(parsed.algorithm()).isEqualTo(SignatureAlgorithm.RS256);
        assertThat(parsed.kid()).isEqualTo("k1");
        assertThat(parsed.signingInput()).isEqualTo(unsigned.getBytes(StandardCharsets.US_ASCII));
        assertThat(parsed.signature()).isEqualTo(SIGNATURE.substring(1));
        assertThat(parsed.claims()).containsEntry("jti", "j1").containsEntry("exp", NOW.getEpochSecond() + 600);
    }

    @Test
    void parseWhenNoKidThenNullKid() {
        assertThat(parser.parse(token().kid(null).unsigned() + SIGNATURE).kid()).isNull();
    }

    @Test
    void parseWhenLongerThanTheLimitThenTooLargeBeforeAnyParsing() {
        String garbage = "!".repeat(513);
        assertRejected(() -> parser.parse(garbage), Reason.TOO_LARGE);
        assertRejected(() -> parser.parse("Bearer " + "a".repeat(600)), Reason.TOO_LARGE);
        assertRejected(() -> parser.parse("x".repeat(512 + 65)), Reason.TOO_LARGE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "Bearer ", "abc", "a.b", "a..c", ".b.c", "a.b.", "a.b.c.d", "a.b+c.d", "a.b.c=",
            "a b.c.d"})
    void parseWhenNotACompactJwsThenMalformed(String value) {
        assertRejected(() -> parser.parse(value), Reason.MALFORMED);
    }

    @Test
    void parseWhenNullThenMalformed() {
        assertRejected(() -> parser.parse(null), Reason.MALFORMED);
    }

    @Test
    void parseWhenHeaderIsNotBase64urlJsonThenMalformed() {
        String notJson = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":".getBytes());
        assertRejected(() -> parser.parse(notJson + ".e30" + SIGNATURE), Reason.MALFORMED);
        assertRejected(() -> parser.parse("A.e30" + SIGNATURE), Reason.MALFORMED); // one base64 char is no byte
    }

    @Test
    void parseWhenAlgNotConfiguredOrUnknownThenUnsupportedAlgorithm() {
        for (Object alg : new Object[] {"ES256", "HS256", "none", "rs256", 256, List.of("RS256")}) {
            assertRejected(() -> parser.parse(token().header("alg", alg).unsigned() + SIGNATURE),
                    Reason.UNSUPPORTED_ALGORITHM);
        }
        assertRejected(() -> parser.parse(token().header("alg", null).unsigned() + SIGNATURE), Reason.UNSUPPORTED_ALGORITHM);
        assertThat(parser.parse(token().header("alg", "EdDSA").unsigned() + SIGNATURE).algorithm())
                .isEqualTo(SignatureAlgorithm.EdDSA);
    }

    @Test
    void parseWhenTypIsAnAccessTokenTypeInAnySpellingThenAccepted() {
        for (String typ : List.of("at+jwt", "AT+JWT", "application/at+jwt", "Application/At+Jwt")) {
            assertThat(parser.parse(token().header("typ", typ).unsigned() + SIGNATURE).kid()).as(typ).isEqualTo("k1");
        }
    }

    @Test
    void parseWhenTypIsAnythingElseThenWrongType() {
        for (Object typ : new Object[] {"JWT", "jwt", "application/jwt", "at+jwt ", "statuslist+jwt", 1}) {
            assertRejected(() -> parser.parse(token().header("typ", typ).unsigned() + SIGNATURE), Reason.WRONG_TYPE);
        }
        assertRejected(() -> parser.parse(token().header("typ", null).unsigned() + SIGNATURE), Reason.WRONG_TYPE);
    }

    @Test
    void parseWhenCritOrNonStringKidThenMalformed() {
        assertRejected(() -> parser.parse(token().header("crit", List.of("exp")).unsigned() + SIGNATURE), Reason.MALFORMED);
        assertRejected(() -> parser.parse(token().header("kid", 7).unsigned() + SIGNATURE), Reason.MALFORMED);
    }

    @Test
    void parseIgnoresHeadersThatWouldNameAnotherKey() {
        AccessTokenParser.Parsed parsed = parser.parse(token().header("jku", "https://evil.example/jwks")
                .header("jwk", Map.of("kty", "RSA")).header("x5u", "https://evil.example/cert").unsigned() + SIGNATURE);

        assertThat(parsed.kid()).isEqualTo("k1");
    }

    @Test
    void claimsWhenPayloadIsNotJsonThenMalformedOnlyWhenAsked() {
        String header = token().unsigned().substring(0, token().unsigned().indexOf('.'));
        AccessTokenParser.Parsed parsed = parser.parse(header + ".bm90IGpzb24" + SIGNATURE);

        assertRejected(parsed::claims, Reason.MALFORMED);
    }

    @Test
    void hasTypeIgnoresCaseAndTheApplicationPrefixOnly() {
        assertThat(AccessTokenParser.hasType("application/statuslist+JWT", "statuslist+jwt")).isTrue();
        assertThat(AccessTokenParser.hasType("text/statuslist+jwt", "statuslist+jwt")).isFalse();
        assertThat(AccessTokenParser.hasType(null, "at+jwt")).isFalse();
    }
}
