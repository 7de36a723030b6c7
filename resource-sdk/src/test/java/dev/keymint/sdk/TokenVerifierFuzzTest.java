package dev.keymint.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;

/**
 * Fuzz tests of token verification, the SDK's attack surface: whatever the string, a verifier
 * with fixed keys (RS256, ES256 and EdDSA accepted) must answer with a
 * {@link TokenRejectedException} whose message does not echo the token, and must never accept
 * it, because no input here carries a signature made with the issuer's keys.
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
