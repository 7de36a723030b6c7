/**
 * Agents: named groups of API keys that share the agent's capabilities (scopes), as Writer's "API
 * agents". {@link dev.keymint.server.keys.agents.AgentAdministration} is the one way to create, change
 * and delete them. An agent's capabilities are copied into the scopes of each of its keys in the
 * transaction that changes them, so the token path still reads one key row (from memory) and the key
 * cache's change protocol carries an agent edit to every instance (see docs/key-cache.md).
 */
package dev.keymint.server.keys.agents;
