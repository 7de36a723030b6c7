/**
 * Client addresses: CIDR ranges and the trusted-proxy rule for {@code X-Forwarded-For}.
 */
package dev.keymint.server.network;
