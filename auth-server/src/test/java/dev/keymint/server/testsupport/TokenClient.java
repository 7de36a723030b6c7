package dev.keymint.server.testsupport;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A plain HTTP client for the token endpoint, as any OAuth client library would call it. */
public final class TokenClient {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String tokenEndpoint;

    public TokenClient(String tokenEndpoint) {
        this.tokenEndpoint = tokenEndpoint;
    }

    /** client_secret_basic, with id and secret form-url-encoded first as RFC 6749 §2.3.1 requires. */
    public Response basic(String clientId, String secret, String... formPairs) {
        String credentials = encode(clientId) + ":" + encode(secret);
        return post("Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)),
                form(formPairs));
    }

    /** client_secret_post. */
    public Response post(String clientId, String secret, String... formPairs) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("client_id", clientId);
        params.put("client_secret", secret);
        return post(null, form(formPairs) + "&" + form(params));
    }

    public Response post(String authorization, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(tokenEndpoint))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return send(request.build());
    }

    public static Response send(HttpRequest request) {
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            OpenApiConformance.check(request.method(), request.uri(), response.statusCode(),
                    response.headers().firstValue("Content-Type").orElse(null), response.body());
            return new Response(response);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static Response get(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).GET().build());
    }

    private static String form(String... pairs) {
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            params.put(pairs[i], pairs[i + 1]);
        }
        return form(params);
    }

    private static String form(Map<String, String> params) {
        return params.entrySet().stream().map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** Status, headers and the JSON body of a response. */
    public record Response(HttpResponse<String> raw) {

        public int status() {
            return raw.statusCode();
        }

        public String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }

        public String body() {
            return raw.body();
        }

        public JsonNode json() {
            return JSON.readTree(raw.body());
        }

        public String field(String name) {
            JsonNode node = json().get(name);
            return node == null ? null : node.asString();
        }

        public String accessToken() {
            if (status() != 200) {
                throw new AssertionError("Expected a token, got " + status() + ": " + body());
            }
            return field("access_token");
        }
    }
}
