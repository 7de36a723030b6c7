/**
 * Token Status Lists: every API key's entry (VALID, INVALID or SUSPENDED) in lists that Keymint signs
 * and serves, so verifiers learn of a disabled, revoked, deleted or expired key within a list's
 * {@code ttl} while still verifying tokens offline.
 *
 * @see <a href="https://datatracker.ietf.org/doc/draft-ietf-oauth-status-list/">Token Status List</a>
 */
package dev.keymint.server.status;
