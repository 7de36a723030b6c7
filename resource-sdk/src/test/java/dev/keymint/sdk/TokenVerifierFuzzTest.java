package dev.keymint.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.keymint.sdk.internal.JsonObjectReader;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Fuzz tests of token verification, the SDK's attack surface: whatever the string, a verifier
 * with fixed keys (RS256, ES256 and EdDSA accepted) must answer with a
 * {@link TokenRejectedException} whose message does not echo the token, and must never accept
 * it, because no input here carries a signature made with the issuer's keys. With a real
 * signature over fuzzed header and claims, it accepts only what RFC 9068 and Keymint's rules allow.
 */
class TokenVerifierFuzzTest {

    /** The committed inputs' claims hold at this instant, so only the signature stands in the way. */
    private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");
    private static final TokenVerifier VERIFIER = TokenVerifier.forIssuer(TokenFixture.ISSUER)
            .jwks(TokenFixture.jwks(TokenFixture.KEY, TokenFixture.EC_KEY, TokenFixture.ED_JWK))
            .audience(TokenFixture.AUDIENCE)
            .organization(TokenFixture.ORG)
            .algorithms(SignatureAlgorithm.RS256, SignatureAlgorithm.ES256, SignatureAlgorithm.EdDSA)
            .clock(Clock.fixed(NOW, ZoneOffset.UTC))
            .build();
    private static final Duration SKEW = Duration.ofSeconds(30);
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    /** Input: the Authorization header value or bare token, as a resource server receives it. */
    @FuzzTest(maxDuration = "5m")
    void arbitraryStringIsRejected(byte[] input) {
        expectRejected(new String(input, StandardCharsets.UTF_8));
    }

    /**
     * Input: header JSON, a newline, payload JSON, a newline, signature bytes; each part is
     * base64url-encoded here, so the fuzzer works on the JSON and on the signature directly
     * (alg confusion, {@code none}, all-zero ECDSA and EdDSA signatures, odd claims).
     */
    @FuzzTest(maxDuration = "5m")
    void forgedPartsAreRejected(byte[] input) {
        int first = indexOf(input, 0);
        int second = first < 0 ? -1 : indexOf(input, first + 1);
        if (second < 0) {
            return;
        }
        byte[] header = Arrays.copyOfRange(input, 0, first);
        byte[] payload = Arrays.copyOfRange(input, first + 1, second);
        byte[] signature = Arrays.copyOfRange(input, second + 1, input.length);
        expectRejected(BASE64URL.encodeToString(header) + "." + BASE64URL.encodeToString(payload) + "."
                + BASE64URL.encodeToString(signature));
    }

    /**
     * Input: header JSON, a newline, payload JSON; the token is signed here with the issuer's
     * Ed25519 key, so the fuzzer explores the checks after the signature. Whatever is accepted
     * must satisfy them, as checked here independently of the verifier's code.
     */
    @FuzzTest(maxDuration = "5m")
    void signedTokenIsAcceptedOnlyWithValidHeaderAndClaims(byte[] input) throws GeneralSecurityException {
        int newline = indexOf(input, 0);
        if (newline < 0) {
            return;
        }
        byte[] header = Arrays.copyOfRange(input, 0, newline);
        byte[] payload = Arrays.copyOfRange(input, newline + 1, input.length);
        String signingInput = BASE64URL.encodeToString(header) + "." + BASE64URL.encodeToString(payload);
        Signature ed25519 = Signature.getInstance("Ed25519");
        ed25519.initSign(TokenFixture.ED_PAIR.getPrivate());
        ed25519.update(signingInput.getBytes(StandardCharsets.US_ASCII));
        String token = signingInput + "." + BASE64URL.encodeToString(ed25519.sign());
        VerifiedToken accepted;
        try {
            accepted = VERIFIER.verify(token);
        } catch (TokenRejectedException rejected) {
            assertThat(rejected.reason()).isNotEqualTo(TokenRejectedException.Reason.JWKS_UNAVAILABLE);
            return;
        }

        Map<String, Object> h = JsonObjectReader.parseObject(new String(header, StandardCharsets.UTF_8));
        assertThat(h.get("alg")).isIn("EdDSA", "Ed25519");
        assertThat(h.get("typ")).isInstanceOfSatisfying(String.class, typ ->
                assertThat(typ.toLowerCase(java.util.Locale.ROOT)).isIn("at+jwt", "application/at+jwt"));
        assertThat(h).doesNotContainKey("crit");
        assertThat(h.get("kid")).isIn(null, TokenFixture.ED_JWK.getKeyID());

        Map<String, Object> claims = accepted.claims();
        assertThat(claims.get("iss")).isEqualTo(TokenFixture.ISSUER);
        assertThat(seconds(claims.get("exp"))).isGreaterThan(NOW.minus(SKEW).getEpochSecond());
        assertThat(seconds(claims.get("iat"))).isLessThanOrEqualTo(NOW.plus(SKEW).getEpochSecond());
        if (claims.get("nbf") != null) {
            assertThat(seconds(claims.get("nbf"))).isLessThanOrEqualTo(NOW.plus(SKEW).getEpochSecond());
        }
        Object aud = claims.get("aud");
        assertThat(aud instanceof List<?> list ? list : List.of(aud)).contains(TokenFixture.AUDIENCE);
        assertThat(claims.get("org")).isEqualTo(TokenFixture.ORG);
        for (String required : List.of("sub", "client_id", "jti")) {
            assertThat(claims.get(required)).isInstanceOfSatisfying(String.class, value -> assertThat(value).isNotEmpty());
        }
        if (claims.get("scope") != null) {
            assertThat(Scopes.parse((String) claims.get("scope"))).isEqualTo(accepted.scopes());
        }
    }

    /** A NumericDate claim in whole seconds (RFC 7519 §2); fails unless it is a number. */
    private static long seconds(Object claim) {
        assertThat(claim).isInstanceOf(Number.class);
        return (long) Math.floor(((Number) claim).doubleValue());
    }

    private static void expectRejected(String token) {
        try {
            VerifiedToken accepted = VERIFIER.verify(token);
            fail("accepted a token nobody signed: %s, claims %s", token, accepted.claims());
        } catch (TokenRejectedException rejected) {
            assertThat(rejected.reason()).isNotEqualTo(TokenRejectedException.Reason.JWKS_UNAVAILABLE);
            if (token.length() >= 20) {
                assertThat(rejected.getMessage()).as("the message must not echo the token").doesNotContain(token);
            }
        }
    }

    private static int indexOf(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
