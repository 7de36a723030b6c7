/**
 * Usage of keys at the token endpoint: tokens issued and rejections by reason, per key and hour,
 * counted in memory and written in batches.
 */
package dev.keymint.server.usage;
