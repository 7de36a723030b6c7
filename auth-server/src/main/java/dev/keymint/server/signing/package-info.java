/**
 * Signing keys: generated, encrypted at rest under the master key, shared through PostgreSQL by
 * every instance, and published as a JWK Set.
 */
package dev.keymint.server.signing;
