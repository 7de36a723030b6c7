package dev.keymint.server.network;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Fuzz tests of address and CIDR parsing, which reads admin request bodies ({@code allowed_cidrs})
 * and, behind a trusted proxy, every token request's {@code X-Forwarded-For}: only
 * {@link IllegalArgumentException} escapes, no input makes the server look up a host name
 * ({@link NameResolutionHook}), and a range printed in its canonical form parses back to itself.
 */
class CidrRangeFuzzTest {

    @FuzzTest(maxDuration = "5m")
    void canonicalFormParsesToTheSameRange(byte[] input) throws Exception {
        String text = new String(input, StandardCharsets.UTF_8);
        CidrRange range;
        try {
            range = NameResolutionHook.forbidden(() -> CidrRange.parse(text));
        } catch (IllegalArgumentException rejected) {
            return;
        }
        String canonical = range.toString();
        CidrRange reparsed = CidrRange.parse(canonical);
        assertThat(reparsed).as("%s printed as %s", text, canonical).isEqualTo(range);
        assertThat(reparsed.toString()).isEqualTo(canonical);
        byte[] network = CidrRange.literal(canonical.substring(0, canonical.indexOf('/')));
        assertThat(range.contains(network)).as("%s contains its own network address", range).isTrue();
    }

    @FuzzTest(maxDuration = "5m")
    void literalNeverResolvesAndRoundTrips(byte[] input) throws Exception {
        String text = new String(input, StandardCharsets.UTF_8);
        byte[] address = NameResolutionHook.forbidden(() -> CidrRange.literal(text));
        if (address == null) {
            return;
        }
        assertThat(address.length).isIn(4, 16);
        assertThat(CidrRange.literal(CidrRange.format(address))).as("%s formatted", text).isEqualTo(address);
        assertThat(CidrRange.parse(text).contains(address)).isTrue();
    }
}
