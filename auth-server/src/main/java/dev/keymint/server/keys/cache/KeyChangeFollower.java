package dev.keymint.server.keys.cache;

import java.util.Set;

/**
 * Something besides {@link ApiKeyCache} that keeps state derived from {@code api_keys} in memory and
 * must follow every change to it as eagerly as the cache does. {@link KeyChangeListener} calls it on
 * its own thread, one call at a time, and confirms changes to admin calls only after the call has
 * returned: a follower that is up to date when it returns keeps the admin API's promise that a
 * change is seen everywhere once the call that made it has returned. A follower that throws makes
 * the listener reconnect, and then start it over with {@link #allKeysChanged()}.
 */
public interface KeyChangeFollower {

    /** These keys (by id) were changed or deleted; the call returns once that is reflected. */
    void keysChanged(Set<String> keyIds);

    /** Any key may have changed, or changes may have been missed: rebuild from the database. */
    void allKeysChanged();

    /** As {@link ApiKeyCache}: every change committed before a round trip sent at this time is applied. */
    void confirmed(long sentAtNanos);

    /** Changes may be missed from now on until the next {@link #confirmed}. */
    void unconfirmed();
}
