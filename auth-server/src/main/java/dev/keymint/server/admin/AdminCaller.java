package dev.keymint.server.admin;

import dev.keymint.sdk.Scopes;
import dev.keymint.server.keys.KeyActor;

/**
 * Who is calling the admin API, from its verified token: the organization it may see (from the
 * {@code org} claim), the key the token was minted from, its team (null: all teams) and scopes.
 *
 * @param clientAddress the caller's address, as the token endpoint would see it (for the audit trail)
 */
record AdminCaller(long organizationId, String organization, String keyId, String team, Scopes scopes,
                   String clientAddress) implements KeyActor {
}
