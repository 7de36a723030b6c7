/**
 * The key cache's coherence protocol, whole: the token path's rows in memory ({@link
 * dev.keymint.server.keys.cache.ApiKeyCache}), the listener that forgets changed keys and confirms
 * on a lease ({@link dev.keymint.server.keys.cache.KeyChangeListener}, on a connection of its own),
 * others that follow the same changes ({@link dev.keymint.server.keys.cache.KeyChangeFollower}), the
 * writers' wait until every instance has confirmed ({@link dev.keymint.server.keys.cache.LeaseBarrier},
 * the keys package's {@link dev.keymint.server.keys.KeyChangeBarrier}), and its settings
 * ({@code keymint.keys.cache.*}). The announcing trigger and {@code key_cache_instances} are
 * migration V3.
 *
 * <p>How they work together, and why a row in memory is never stale, is written once, in
 * {@code docs/key-cache.md}; the classes say only what their part does.
 */
package dev.keymint.server.keys.cache;
