package dev.keymint.server.keys;

import dev.keymint.sdk.Scopes;

/**
 * Who changes a key, as {@link KeyAdministration} needs to know it: the organization (and team,
 * when not null) whose keys it may see, the scopes its token covers, and what the audit trail
 * records of it.
 */
public interface KeyActor {

    long organizationId();

    /** The team the actor is limited to, or null for all teams of its organization. */
    String team();

    /** What the actor's token covers; no key change may reach beyond it. */
    Scopes scopes();

    /** The key the actor's token was minted from, for the audit trail (never the secret). */
    String keyId();

    /** Where the request came from, for the audit trail; null when there was no request. */
    String clientAddress();
}
