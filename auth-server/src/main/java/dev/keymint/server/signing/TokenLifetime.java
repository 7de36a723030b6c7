package dev.keymint.server.signing;

import java.time.Duration;

/**
 * The lifetime of the tokens the signing keys sign, which the rotation needs: a retired key stays
 * published until the last token it signed has expired ({@link SigningProperties#retention}).
 *
 * <p>Why an interface here: the token settings live with the tokens, which use the signing keys;
 * asking for them through this port keeps the dependency one way (tokens → signing).
 */
public interface TokenLifetime {

    /** How long an access token is valid ({@code exp - iat}); a token never lives longer. */
    Duration ttl();
}
