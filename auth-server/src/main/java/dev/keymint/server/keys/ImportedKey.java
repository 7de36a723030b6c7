package dev.keymint.server.keys;

/**
 * One key to import, already valid in shape (the admin API checks its own input): the caller's
 * client id, the SHA-256 of its secret as 64 hex characters ({@link ImportedKeyFormat}), the prefix
 * its secrets start with (or null), and the settings a new key has.
 *
 * @param row the row's number in the import (1 for the first line), for the errors that name it
 */
public record ImportedKey(int row, String clientId, String sha256Hex, String prefix, NewKey settings) {

    @Override
    public String toString() {
        return "ImportedKey[row=" + row + ", clientId=" + clientId + "]"; // the digest of a secret is not for logs either
    }
}
