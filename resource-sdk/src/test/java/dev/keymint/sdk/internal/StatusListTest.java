package dev.keymint.sdk.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keymint.sdk.TokenFixture;
import java.io.IOException;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The decoder of {@code status_list}: bit layout, bounds and hostile input. */
class StatusListTest {

    private static int[] entries(StatusList list, int count) {
        int[] out = new int[count];
        for (int i = 0; i < count; i++) {
            out[i] = list.status(i);
        }
        return out;
    }

    @Test
    void decodeWhenDraftWorkedExampleThenEntriesAsTheDraftLists() throws IOException {
        StatusList list = StatusList.decode(1, "eNrbuRgAAhcBXQ", 1024);
        assertThat(entries(list, 16)).containsExactly(1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1);
        assertThat(list.size()).isEqualTo(16);
        assertThat(list.status(16)).as("beyond the two bytes").isEqualTo(-1);
    }

    @Test
    void decodeWhenTwoBitsThenEntriesReadAcrossByteBoundaries() throws IOException {
        int[] values = {0, 1, 2, 3, 2, 0, 1, 1, 0, 2, 0, 0, 1};
        StatusList list = StatusList.decode(2, TokenFixture.lst(2, values), 1024);
        assertThat(entries(list, values.length)).containsExactly(values);
        assertThat(list.size()).as("13 entries round up to 4 bytes = 16 entries").isEqualTo(16);
        assertThat(list.status(13)).isZero();
        assertThat(list.status(16)).isEqualTo(-1);
        assertThat(list.status(-1)).isEqualTo(-1);
        assertThat(list.status(Long.MAX_VALUE / 2)).as("no overflow into a small index").isEqualTo(-1);
    }

    @Test
    void decodeWhenFourOrEightBitsThenWholeNibblesAndBytes() throws IOException {
        assertThat(entries(StatusList.decode(4, TokenFixture.lst(4, 15, 0, 3, 12), 1024), 4)).containsExactly(15, 0, 3, 12);
        assertThat(entries(StatusList.decode(8, TokenFixture.lst(8, 255, 1, 128), 1024), 3)).containsExactly(255, 1, 128);
    }

    @Test
    void decodeWhenBitsNotOneTwoFourOrEightThenRefused() {
        for (long bits : new long[] {0, 3, 5, 16, -2}) {
            assertThatThrownBy(() -> StatusList.decode(bits, TokenFixture.lst(1, 1), 1024))
                    .isInstanceOf(IOException.class).hasMessageContaining("bits");
        }
    }

    @Test
    void decodeWhenZipBombThenRefusedAtTheLimit() {
        String bomb = TokenFixture.zlib(new byte[64 * 1024 * 1024]); // 64 MiB of zeros, about 64 KB compressed
        assertThat(bomb.length()).isLessThan(100_000);
        assertThatThrownBy(() -> StatusList.decode(2, bomb, 4 * 1024 * 1024))
                .isInstanceOf(IOException.class).hasMessageContaining("inflates to more than 4194304 bytes");
    }

    @Test
    void decodeWhenExactlyAtTheLimitThenAccepted() throws IOException {
        assertThat(StatusList.decode(2, TokenFixture.zlib(new byte[4096]), 4096).size()).isEqualTo(4096 * 4);
        assertThatThrownBy(() -> StatusList.decode(2, TokenFixture.zlib(new byte[4097]), 4096)).isInstanceOf(IOException.class);
    }

    @Test
    void decodeWhenNotZlibOrTruncatedOrNotBase64urlThenRefused() {
        String whole = TokenFixture.lst(2, 1, 2, 3);
        byte[] raw = Base64.getUrlDecoder().decode(whole);
        String truncated = Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(raw, raw.length - 3));
        assertThatThrownBy(() -> StatusList.decode(2, truncated, 1024)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> StatusList.decode(2, "AAAA", 1024)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> StatusList.decode(2, "not base64!", 1024)).isInstanceOf(IOException.class);
        String trailing = Base64.getUrlEncoder().withoutPadding().encodeToString(
                java.nio.ByteBuffer.allocate(raw.length + 2).put(raw).put((byte) 1).put((byte) 2).array());
        assertThatThrownBy(() -> StatusList.decode(2, trailing, 1024)).isInstanceOf(IOException.class)
                .hasMessageContaining("after its ZLIB stream");
    }
}
