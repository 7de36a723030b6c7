package dev.keymint.server.tokens;

import dev.keymint.server.keys.JdbcApiKeyRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;

/**
 * API keys seen as registered clients, read-only: keys are created by Keymint's own commands and
 * admin API, never through the authorization server.
 */
final class ApiKeyRegisteredClientRepository implements RegisteredClientRepository {

    private final JdbcApiKeyRepository keys;

    ApiKeyRegisteredClientRepository(JdbcApiKeyRepository keys) {
        this.keys = keys;
    }

    @Override
    public void save(RegisteredClient registeredClient) {
        throw new UnsupportedOperationException("API keys are created through Keymint, not the authorization server");
    }

    @Override
    public RegisteredClient findById(String id) {
        return findByClientId(id);
    }

    @Override
    public RegisteredClient findByClientId(String clientId) {
        return keys.findById(clientId).map(ApiKeyClients::registeredClient).orElse(null);
    }
}
