package dev.keymint.server.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The list's ZLIB form as a verifier's inflater reads it, and the same bytes whatever the compressor
 * compressed before: instances agree on {@code lst} (and so on the ETag) only if it depends on the
 * list alone.
 */
class SegmentedZlibTest {

    private static final int LIST_BYTES = StatusListIndex.SIZE * StatusListIndex.BITS / 8;
    /** An entry in the sixth segment: byte 5 × 16 KiB + 4, bits 2–3. */
    private static final int CHANGED_IDX = 5 * SegmentedZlib.SEGMENT_BYTES * 4 + 17;

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 100, SegmentedZlib.SEGMENT_BYTES - 1, SegmentedZlib.SEGMENT_BYTES,
            3 * SegmentedZlib.SEGMENT_BYTES + 5, LIST_BYTES})
    void inflatesBackToTheListWhateverItsLength(int length) throws Exception {
        byte[] list = sparse(length, 0.01, 1);

        byte[] stream = new SegmentedZlib().compress(list);

        assertThat(inflate(stream, length)).isEqualTo(list);
        assertThat(stream[0]).as("ZLIB header: DEFLATE, 32 KiB window").isEqualTo((byte) 0x78);
        assertThat(stream[1]).as("ZLIB header: highest compression level").isEqualTo((byte) 0xDA);
    }

    @Test
    void aChangedListGivesTheBytesAFreshCompressorGives() throws Exception {
        SegmentedZlib compressor = new SegmentedZlib();
        byte[] list = sparse(LIST_BYTES, 0.01, 2);
        compressor.compress(list);

        byte[] changed = list.clone();
        StatusLists.set(changed, CHANGED_IDX, StatusLists.INVALID);
        byte[] again = compressor.compress(changed);
        byte[] back = compressor.compress(list);

        assertThat(again).isEqualTo(new SegmentedZlib().compress(changed));
        assertThat(StatusLists.get(inflate(again, LIST_BYTES), CHANGED_IDX)).isEqualTo(StatusLists.INVALID);
        assertThat(back).isEqualTo(new SegmentedZlib().compress(list));
    }

    @Test
    void aListOfAnotherLengthIsCompressedAfresh() throws Exception {
        SegmentedZlib compressor = new SegmentedZlib();
        compressor.compress(sparse(LIST_BYTES, 0.01, 3));
        byte[] shorter = sparse(2 * SegmentedZlib.SEGMENT_BYTES + 9, 0.01, 3);

        assertThat(inflate(compressor.compress(shorter), shorter.length)).isEqualTo(shorter);
    }

    /** What the segments cost against one stream at the same level: a few per cent at 1 % non-VALID. */
    @Test
    void staysWithinFivePerCentOfOneStream() throws Exception {
        byte[] list = sparse(LIST_BYTES, 0.01, 4);
        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        try (DeflaterOutputStream out = new DeflaterOutputStream(whole, new Deflater(Deflater.BEST_COMPRESSION))) {
            out.write(list);
        }

        assertThat(new SegmentedZlib().compress(list).length).isLessThanOrEqualTo(whole.size() * 105 / 100);
    }

    /** Entries at random, {@code share} of them INVALID, as a list with revoked keys here and there. */
    private static byte[] sparse(int length, double share, long seed) {
        byte[] packed = new byte[length];
        Random random = new Random(seed);
        for (int idx = 0; idx < length * 4; idx++) {
            if (random.nextDouble() < share) {
                StatusLists.set(packed, idx, StatusLists.INVALID);
            }
        }
        return packed;
    }

    /** As the SDK and any verifier read {@code lst}: one ZLIB stream, checksum checked, nothing after it. */
    private static byte[] inflate(byte[] stream, int length) throws DataFormatException {
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(stream);
            byte[] out = new byte[length + 1];
            int read = 0;
            while (!inflater.finished()) {
                if (read == out.length || inflater.needsInput() || inflater.needsDictionary()) {
                    throw new DataFormatException("longer than the list, or cut short");
                }
                int n = inflater.inflate(out, read, out.length - read);
                read += n;
            }
            assertThat(inflater.getRemaining()).as("bytes after the stream").isZero();
            return Arrays.copyOf(out, read);
        } finally {
            inflater.end();
        }
    }
}
