package dev.keymint.server.keys;

import java.util.List;

/**
 * Where {@link KeyAdministration} records every change to a key, in the transaction of the change:
 * the port through which the keys package writes the audit trail without knowing how it is stored
 * or shown (the admin side's {@code audit_events} repository implements it).
 */
public interface KeyAuditTrail {

    /**
     * @param action {@code key.create}, {@code key.update}, {@code key.enable}, {@code key.disable},
     *               {@code key.revoke}, {@code key.reroll} or {@code key.delete}
     * @param before the key before the change; null for a creation
     * @param after  the key after the change; null for a deletion
     */
    void keyChanged(KeyActor actor, String action, String keyId, ApiKey before, ApiKey after);

    /** A {@code key.update}, with what the edit warned of (empty: nothing). */
    void keyEdited(KeyActor actor, String keyId, ApiKey before, ApiKey after, List<KeyWarning> warnings);

    /**
     * One event for a whole import ({@code key.import}, target {@code keys}): the counts, not one
     * event per key, so that a 100,000-key import does not bury the trail.
     */
    void keysImported(KeyActor actor, int imported, int refused);
}
