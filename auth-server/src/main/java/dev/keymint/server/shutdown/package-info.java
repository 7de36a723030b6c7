/**
 * Stopping without dropping requests: the drain before the web server's graceful shutdown.
 */
package dev.keymint.server.shutdown;
