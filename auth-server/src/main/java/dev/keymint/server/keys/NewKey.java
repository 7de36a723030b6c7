package dev.keymint.server.keys;

import dev.keymint.sdk.Scope;
import dev.keymint.server.network.CidrRange;
import java.time.Instant;
import java.util.List;

/**
 * The settings of a key to create, already valid in shape (each API checks its own input); the
 * rules that depend on who creates it are {@link KeyAdministration}'s.
 *
 * @param team null: for all teams (or, from a team's token, that team)
 */
public record NewKey(String name, List<Scope> scopes, Instant expiresAt, List<CidrRange> allowedCidrs,
                     Integer rateLimitPerMinute, Quota quota, ApiRequestLimits apiLimits, String team, String owner) {

    public NewKey {
        scopes = List.copyOf(scopes);
        allowedCidrs = allowedCidrs == null ? List.of() : List.copyOf(allowedCidrs);
        apiLimits = apiLimits == null ? ApiRequestLimits.NONE : apiLimits;
    }

    /** A key with these scopes and nothing else set. */
    public static NewKey named(String name, List<Scope> scopes) {
        return new NewKey(name, scopes, null, List.of(), null, null, ApiRequestLimits.NONE, null, null);
    }
}
