/**
 * The server jar's command line (picocli): {@code bootstrap} and {@code rotate-signing-key}, which
 * work on the database in the server's configuration, and the admin CLI ({@code keys}, {@code usage},
 * {@code audit}), a plain HTTP client of a running server's admin API that starts no Spring context.
 */
package dev.keymint.server.cli;
