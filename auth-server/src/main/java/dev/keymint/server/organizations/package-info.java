/**
 * Organizations, the tenants: each key and each token belongs to exactly one.
 */
package dev.keymint.server.organizations;
