/**
 * API keys, in one home: their format, their rows, and the one way to create, change and delete them
 * ({@link dev.keymint.server.keys.KeyAdministration}, with its audit trail and its wait for every
 * instance behind the ports {@link dev.keymint.server.keys.KeyAuditTrail} and
 * {@link dev.keymint.server.keys.KeyChangeBarrier}), and the last-used times the token path reports.
 * How the token path keeps key rows in memory is the subpackage {@code cache}.
 */
package dev.keymint.server.keys;
