package dev.keymint.server.tokens;

import dev.keymint.sdk.Scopes;
import dev.keymint.server.keys.ApiKey;
import dev.keymint.server.tokens.AccessTokenMinter.MintedToken;
import java.util.List;

/**
 * Where the client-credentials grant gets the token it answers with: {@link AccessTokenMinter}, or
 * {@link TokenReuse} in front of it when {@code keymint.tokens.reuse-window} is set. Thread-safe.
 */
@FunctionalInterface
interface AccessTokenSource {

    /** @param audience the token's {@code aud} ({@link TokenAudience}) */
    MintedToken token(String issuer, ApiKey key, Scopes scopes, List<String> audience);
}
