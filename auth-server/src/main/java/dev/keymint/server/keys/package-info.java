/**
 * API keys: their format, their rows, and the last-used times the token path reports.
 */
package dev.keymint.server.keys;
