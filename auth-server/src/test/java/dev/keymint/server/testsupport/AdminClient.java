package dev.keymint.server.testsupport;

import dev.keymint.server.organizations.OrganizationBootstrapper.BootstrappedOrganization;
import dev.keymint.server.testsupport.TokenClient.Response;
import java.net.URI;
import java.net.http.HttpRequest;

/** The admin API as a newcomer calls it: a token from an admin key, then JSON over HTTP. */
public final class AdminClient {

    private final String baseUrl;
    private final String token;

    private AdminClient(String baseUrl, String token) {
        this.baseUrl = baseUrl;
        this.token = token;
    }

    /** Exchanges the key for a token (optionally downscoped) and uses it for every call. */
    public static AdminClient of(KeymintServer server, BootstrappedOrganization key, String... scope) {
        TokenClient tokens = new TokenClient(server.tokenEndpoint());
        Response response = scope.length == 0
                ? tokens.basic(key.clientId(), key.apiKey(), "grant_type", "client_credentials")
                : tokens.basic(key.clientId(), key.apiKey(), "grant_type", "client_credentials", "scope", scope[0]);
        return new AdminClient(server.baseUrl() + "/admin/v1", response.accessToken());
    }

    public static AdminClient withToken(KeymintServer server, String token) {
        return at(server.baseUrl(), token);
    }

    /** For a server in another process, known only by its base URL. */
    public static AdminClient at(String baseUrl, String token) {
        return new AdminClient(baseUrl + "/admin/v1", token);
    }

    /** The bearer token this client sends. */
    public String token() {
        return token;
    }

    public Response get(String path) {
        return send("GET", path, null);
    }

    public Response post(String path, String json) {
        return send("POST", path, json);
    }

    public Response patch(String path, String json) {
        return send("PATCH", path, json);
    }

    public Response delete(String path) {
        return send("DELETE", path, null);
    }

    public Response send(String method, String path, String json) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        return TokenClient.send(request.build());
    }
}
