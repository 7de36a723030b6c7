package dev.keymint.server.keys;

/**
 * Makes a change to a key hold until every instance's token path sees it, so that a disabled,
 * revoked, edited or over-budget key is refused by the very next token request anywhere. The key
 * cache's coherence protocol implements it (see {@code dev.keymint.server.keys.cache}).
 */
public interface KeyChangeBarrier {

    /**
     * Waits once the current transaction has committed, or at once when there is none; nothing
     * happens when the transaction rolls back.
     *
     * @throws KeyChangeNotConfirmedException (after the commit) when the wait could not be completed
     */
    void awaitAfterCommit();
}
