/**
 * Usage of keys: at the token endpoint (tokens issued and rejections by reason, per key and hour,
 * counted in memory and written in batches), and at the resource servers (API requests and cost
 * they report, booked per report, and the budgets those reports spend).
 */
package dev.keymint.server.usage;
