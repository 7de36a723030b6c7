package dev.keymint.server.tokens;

import dev.keymint.sdk.Scopes;
import dev.keymint.server.keys.ApiKey;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;

/**
 * Presents an API key to the authorization server as a {@link RegisteredClient}, built per request
 * from the one row the token path reads (no client table, no cache to go stale).
 */
final class ApiKeyClients {

    private static final String API_KEY_SETTING = "keymint.api-key";
    private static final String GRANTED_SCOPES_SETTING = "keymint.granted-scopes";

    private ApiKeyClients() {
    }

    static RegisteredClient registeredClient(ApiKey key) {
        return RegisteredClient.withId(key.id())
                .clientId(key.id())
                .clientName(key.name())
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST)
                .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
                .scopes(scopes -> scopes.addAll(key.scopes()))
                .clientSettings(ClientSettings.builder()
                        .setting(API_KEY_SETTING, key)
                        .setting(GRANTED_SCOPES_SETTING, Scopes.parse(String.join(" ", key.scopes())))
                        .build())
                .build();
    }

    static ApiKey apiKey(RegisteredClient client) {
        return client.getClientSettings().getSetting(API_KEY_SETTING);
    }

    static Scopes grantedScopes(RegisteredClient client) {
        return client.getClientSettings().getSetting(GRANTED_SCOPES_SETTING);
    }
}
