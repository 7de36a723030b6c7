/** Gathering per-token facts in memory and writing them in batches, off the token path. */
package dev.keymint.server.batching;
