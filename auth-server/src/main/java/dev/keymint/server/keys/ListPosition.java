package dev.keymint.server.keys;

import java.time.Instant;

/** A keyset position in a listing of keys: the last key of the previous page. */
public record ListPosition(Instant createdAt, String id) {
}
