package dev.keymint.server.signing;

/**
 * The JWKS document as served: its JSON and a strong ETag, computed once per change.
 */
public record PublishedJwks(String json, String etag) {
}
