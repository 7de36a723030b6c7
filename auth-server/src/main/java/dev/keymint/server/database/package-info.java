/**
 * Where Keymint's PostgreSQL comes from: the configured datasource, or an embedded one that
 * keeps its data in the data directory.
 */
package dev.keymint.server.database;
