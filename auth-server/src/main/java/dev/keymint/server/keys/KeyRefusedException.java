package dev.keymint.server.keys;

import java.time.Instant;
import java.util.List;

/**
 * A key operation that {@link KeyAdministration}'s rules refuse; nothing was changed. The detail is
 * meant for the caller and never contains a secret; each API answers it in its own shape.
 */
public final class KeyRefusedException extends RuntimeException {

    /** Why: an API maps each to its status (404, 409, 403). */
    public enum Reason {
        /** No such key, or one the actor may not see: the two are indistinguishable. */
        NOT_FOUND,
        /** The key's state forbids the operation (revoked, or used recently and not confirmed). */
        CONFLICT,
        /** The actor may not do this whatever scopes it held (a team token, another team). */
        FORBIDDEN,
        /** The operation needs scopes the actor's token does not cover: {@link #scopesNotHeld()}. */
        SCOPES_NOT_HELD
    }

    private final Reason reason;
    private final transient List<String> scopesNotHeld;
    private final transient Instant lastUsedAt;

    private KeyRefusedException(Reason reason, String detail, List<String> scopesNotHeld, Instant lastUsedAt) {
        super(detail, null, false, false);
        this.reason = reason;
        this.scopesNotHeld = scopesNotHeld;
        this.lastUsedAt = lastUsedAt;
    }

    /** A refusal by a rule of a neighbouring package (agents) in the same terms. */
    public static KeyRefusedException of(Reason reason, String detail) {
        return of(reason, detail, List.of());
    }

    public static KeyRefusedException of(Reason reason, String detail, List<String> scopesNotHeld) {
        return new KeyRefusedException(reason, detail, List.copyOf(scopesNotHeld), null);
    }

    static KeyRefusedException notFound() {
        return new KeyRefusedException(Reason.NOT_FOUND, "The key does not exist", List.of(), null);
    }

    static KeyRefusedException conflict(String detail) {
        return new KeyRefusedException(Reason.CONFLICT, detail, List.of(), null);
    }

    static KeyRefusedException recentlyUsed(String detail, Instant lastUsedAt) {
        return new KeyRefusedException(Reason.CONFLICT, detail, List.of(), lastUsedAt);
    }

    static KeyRefusedException forbidden(String detail) {
        return new KeyRefusedException(Reason.FORBIDDEN, detail, List.of(), null);
    }

    static KeyRefusedException scopesNotHeld(String detail, List<String> scopes) {
        return new KeyRefusedException(Reason.SCOPES_NOT_HELD, detail, List.copyOf(scopes), null);
    }

    public Reason reason() {
        return reason;
    }

    /** For {@link Reason#SCOPES_NOT_HELD}: the scopes, as text, the actor's token does not cover; else empty. */
    public List<String> scopesNotHeld() {
        return scopesNotHeld;
    }

    /** For a refused deletion of a recently used key: when it was last used; else null. */
    public Instant lastUsedAt() {
        return lastUsedAt;
    }
}
