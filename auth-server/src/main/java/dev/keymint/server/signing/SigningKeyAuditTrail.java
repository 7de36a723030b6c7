package dev.keymint.server.signing;

/**
 * Where a signing-key rotation started outside the admin API (the {@code rotate-signing-key}
 * command) is recorded: the port through which the signing package writes the audit trail without
 * knowing how it is stored (the admin side's {@code audit_events} repository implements it).
 */
public interface SigningKeyAuditTrail {

    /**
     * Records the rotation in every organization's trail: the signing key signs every
     * organization's tokens, and a rotation by an operator's command belongs to no organization.
     *
     * @param actor  who started it, as the trail shows it ({@code cli})
     * @param action {@code signing-key.rotate} or {@code signing-key.emergency-rotate}
     * @param kid    the key published (or now signing, after an emergency rotation)
     */
    void rotatedForEveryOrganization(String actor, String action, String kid);
}
