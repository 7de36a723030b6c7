/**
 * Command-line operations run with the server's jar, such as {@code bootstrap}.
 */
package dev.keymint.server.cli;
