package dev.keymint.server.status;

/**
 * Where a key's status index lives: list {@code index / SIZE + 1}, entry {@code index % SIZE}.
 *
 * <p>Why a fixed size: a list is served and re-signed whole, so its cost must not grow with the
 * number of keys. 2^20 entries at 2 bits are 256 KiB before compression (a few hundred bytes while
 * nearly every key is valid); ten million keys make ten such lists. Every list is served at full
 * size, so its length tells nothing about how many keys exist.
 */
public final class StatusListIndex {

    /** Entries per list. */
    public static final int SIZE = 1 << 20;
    /** Bits per entry: 0 VALID, 1 INVALID, 2 SUSPENDED. */
    public static final int BITS = 2;
    /** Where the lists are served, followed by the list id. */
    public static final String PATH = "/oauth/status";

    private StatusListIndex() {
    }

    /** The 1-based id of the list holding this global index. */
    public static long listId(long statusIndex) {
        return statusIndex / SIZE + 1;
    }

    /** The {@code idx} within its list. */
    public static int idx(long statusIndex) {
        return (int) (statusIndex % SIZE);
    }

    /** The {@code uri} of a list, the {@code sub} of its Status List Token. */
    public static String uri(String issuer, long listId) {
        return issuer + PATH + "/" + listId;
    }
}
