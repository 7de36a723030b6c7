package dev.keymint.sdk.internal;

import java.io.IOException;
import java.util.Arrays;
import java.util.Base64;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The decoded {@code status_list} of a Status List Token: {@code bits} per entry, entries packed
 * from the least significant bit of each byte. Immutable, so verifications read it without a lock.
 * Not API.
 *
 * @see <a href="https://datatracker.ietf.org/doc/draft-ietf-oauth-status-list/">Token Status List §4 Status List</a>
 */
public final class StatusList {

    private final int bits;
    private final byte[] bytes;
    private final long size;

    private StatusList(int bits, byte[] bytes) {
        this.bits = bits;
        this.bytes = bytes;
        this.size = (long) bytes.length * 8 / bits;
    }

    /**
     * @param bits     bits per entry: 1, 2, 4 or 8
     * @param lst      base64url (padding optional) of the ZLIB-compressed byte array
     * @param maxBytes largest accepted decompressed array; decompression stops as soon as it is
     *                 exceeded, so a small "zip bomb" costs at most this much memory
     * @return the list
     * @throws IOException if {@code bits} is not allowed, {@code lst} is not base64url, not one
     *                     complete ZLIB stream, or inflates to more than {@code maxBytes}
     */
    public static StatusList decode(long bits, String lst, int maxBytes) throws IOException {
        if (bits != 1 && bits != 2 && bits != 4 && bits != 8) {
            throw new IOException("status_list bits must be 1, 2, 4 or 8, not " + bits);
        }
        byte[] compressed;
        try {
            compressed = Base64.getUrlDecoder().decode(lst);
        } catch (IllegalArgumentException e) {
            throw new IOException("status_list lst is not base64url");
        }
        return new StatusList((int) bits, inflate(compressed, maxBytes));
    }

    private static byte[] inflate(byte[] compressed, int maxBytes) throws IOException {
        Inflater inflater = new Inflater(); // ZLIB format (RFC 1950), as the draft requires
        try {
            inflater.setInput(compressed);
            byte[] out = new byte[Math.min(maxBytes + 1, Math.max(64, compressed.length * 4))];
            int length = 0;
            while (!inflater.finished()) {
                if (length == out.length) {
                    if (length > maxBytes) {
                        throw new IOException("status_list inflates to more than " + maxBytes + " bytes");
                    }
                    out = Arrays.copyOf(out, (int) Math.min((long) maxBytes + 1, 2L * length));
                }
                int n = inflater.inflate(out, length, out.length - length);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new IOException("status_list lst is not a complete ZLIB stream");
                }
                length += n;
            }
            if (length > maxBytes) {
                throw new IOException("status_list inflates to more than " + maxBytes + " bytes");
            }
            if (inflater.getRemaining() > 0) {
                throw new IOException("status_list lst has data after its ZLIB stream");
            }
            return Arrays.copyOf(out, length);
        } catch (DataFormatException e) {
            throw new IOException("status_list lst is not ZLIB data: " + e.getMessage());
        } finally {
            inflater.end();
        }
    }

    /**
     * @param index an entry index, non-negative
     * @return its status value, or -1 when the index is beyond the list
     */
    public int status(long index) {
        if (index < 0 || index >= size) {
            return -1;
        }
        long bit = index * bits; // no overflow: index < size <= 8 * Integer.MAX_VALUE
        return (bytes[(int) (bit >>> 3)] >>> (bit & 7)) & ((1 << bits) - 1);
    }

    /** @return the number of entries (the decompressed length times 8 / bits) */
    public long size() {
        return size;
    }
}
