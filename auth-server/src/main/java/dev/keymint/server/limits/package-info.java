/**
 * Rate limits and issuance quotas of API keys, counted locally and synchronized across instances
 * through PostgreSQL.
 */
package dev.keymint.server.limits;
