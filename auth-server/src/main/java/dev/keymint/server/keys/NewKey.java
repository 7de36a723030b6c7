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
 * @param audiences the resources its tokens may address ({@link Audiences}); empty: the default audience
 */
public record NewKey(String name, List<Scope> scopes, Instant expiresAt, List<CidrRange> allowedCidrs,
                     Integer rateLimitPerMinute, Quota quota, ApiRequestLimits apiLimits, String team, String owner,
                     List<String> audiences) {

    public NewKey {
        scopes = List.copyOf(scopes);
        allowedCidrs = allowedCidrs == null ? List.of() : List.copyOf(allowedCidrs);
        apiLimits = apiLimits == null ? ApiRequestLimits.NONE : apiLimits;
        audiences = audiences == null ? List.of() : List.copyOf(audiences);
    }

    /** A key with these scopes and nothing else set. */
    public static NewKey named(String name, List<Scope> scopes) {
        return new NewKey(name, scopes, null, List.of(), null, null, ApiRequestLimits.NONE, null, null, List.of());
    }
}
