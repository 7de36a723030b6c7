/**
 * The browser console: static HTML, CSS and JavaScript that use the admin API with a token kept
 * in memory, served with strict security headers.
 */
package dev.keymint.server.console;
