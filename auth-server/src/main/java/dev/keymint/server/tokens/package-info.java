/**
 * The token path: {@code POST /oauth/token} (client credentials, authenticated by API key), the
 * access tokens it mints, and the discovery metadata that describes it.
 */
package dev.keymint.server.tokens;
