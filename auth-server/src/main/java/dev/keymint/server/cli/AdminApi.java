package dev.keymint.server.cli;

import dev.keymint.server.keys.ApiKeyFormat;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A running server's admin API, reached with an admin API key. The key is exchanged once per
 * command for an access token at {@code /oauth/token} (client_secret_basic: the client id is the
 * key's own public id), exactly as any caller does; every call then sends that token. Refusals
 * become {@link CliFailure}s whose exit code says what happened; the key itself never appears in
 * a message.
 */
final class AdminApi {

    static final String BASE = "/admin/v1";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    // A key change returns only once every instance has confirmed it: up to 10 s by design.
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration IMPORT_TIMEOUT = Duration.ofMinutes(5);

    private final URI server;
    private final String clientId;
    private final String adminKey;
    private final JsonMapper json;
    private final HttpClient http;
    private String token;

    private AdminApi(URI server, String clientId, String adminKey, JsonMapper json) {
        this.server = server;
        this.clientId = clientId;
        this.adminKey = adminKey;
        this.json = json;
        this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
    }

    /** Checks the URL and the key's shape without any I/O; the first call exchanges the key. */
    static AdminApi connect(String url, String adminKey, JsonMapper json) {
        URI server;
        try {
            server = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        } catch (IllegalArgumentException e) {
            throw new CliFailure(ExitCodes.USAGE, "The server URL is not a URL: " + url);
        }
        if (!("http".equals(server.getScheme()) || "https".equals(server.getScheme())) || server.getHost() == null) {
            throw new CliFailure(ExitCodes.USAGE, "The server URL must be http:// or https:// with a host: " + url);
        }
        if (adminKey == null || adminKey.isBlank()) {
            throw new CliFailure(ExitCodes.USAGE,
                    "KEYMINT_ADMIN_KEY is not set: export an admin API key (kmk_…), e.g. the one bootstrap printed");
        }
        String clientId = ApiKeyFormat.publicId(adminKey.strip()).orElseThrow(() -> new CliFailure(ExitCodes.USAGE,
                "KEYMINT_ADMIN_KEY is not a Keymint API key (expected kmk_<client id>_<secret>; the checksum does not match)"));
        return new AdminApi(server, clientId, adminKey.strip(), json);
    }

    /** A path segment, percent-encoded: an id typed by a person must not change the path. */
    static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** {@code ?name=value&…} of the parameters that are set, percent-encoded; empty when none is. */
    static String query(Map<String, String> parameters) {
        StringJoiner joined = new StringJoiner("&", "?", "").setEmptyValue("");
        parameters.forEach((name, value) -> {
            if (value != null) {
                joined.add(segment(name) + "=" + segment(value));
            }
        });
        return joined.toString();
    }

    Answer get(String path) {
        return exchange("GET", path, null).requireSuccess();
    }

    Answer post(String path, JsonNode body) {
        return exchange("POST", path, body).requireSuccess();
    }

    Answer patch(String path, JsonNode body) {
        return exchange("PATCH", path, body).requireSuccess();
    }

    /**
     * A POST of an NDJSON file (a key import), whatever its status: the file is streamed as it is,
     * and the server may take longer over 100,000 rows than over one key.
     */
    Answer postLines(String path, Path file) {
        HttpRequest.BodyPublisher lines;
        try {
            lines = HttpRequest.BodyPublishers.ofFile(file);
        } catch (FileNotFoundException e) {
            throw new CliFailure(ExitCodes.USAGE, "Cannot read " + file + ": no such file");
        }
        HttpRequest request = request(path).timeout(IMPORT_TIMEOUT).header("Content-Type", "application/x-ndjson")
                .POST(lines).build();
        HttpResponse<String> response = send(request);
        return new Answer(response.statusCode(), response.body(), parse(response.body()));
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(server.resolve(BASE + path))
                .timeout(REQUEST_TIMEOUT)
                .header("Authorization", "Bearer " + token())
                .header("Accept", "application/json");
    }

    /** One call under {@link #BASE}, whatever its status; only a transport failure throws. */
    Answer exchange(String method, String path, JsonNode body) {
        HttpRequest.Builder request = request(path);
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)));
        }
        HttpResponse<String> response = send(request.build());
        return new Answer(response.statusCode(), response.body(), parse(response.body()));
    }

    private String token() {
        if (token == null) {
            String credentials = Base64.getEncoder().encodeToString(
                    (clientId + ":" + adminKey).getBytes(StandardCharsets.UTF_8));
            HttpResponse<String> response = send(HttpRequest.newBuilder(server.resolve("/oauth/token"))
                    .timeout(REQUEST_TIMEOUT)
                    .header("Authorization", "Basic " + credentials)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
                    .build());
            JsonNode answer = parse(response.body());
            if (response.statusCode() == 200 && answer.path("access_token").isString()) {
                token = answer.get("access_token").asString();
            } else {
                throw tokenRefused(response, answer);
            }
        }
        return token;
    }

    private CliFailure tokenRefused(HttpResponse<String> response, JsonNode answer) {
        int status = response.statusCode();
        String reason = answer.path("error_description").asString(answer.path("error").asString("HTTP " + status));
        int exitCode = Answer.exitCode(status);
        return new CliFailure(exitCode, status, switch (exitCode) {
            case ExitCodes.FORBIDDEN -> "The admin key was refused by " + server + ": " + reason;
            case ExitCodes.UNAVAILABLE -> "Keymint at " + server + " cannot issue a token now: " + reason + retryAfter(response);
            default -> "Keymint at " + server + " refused the admin key: " + reason;
        });
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpConnectTimeoutException | ConnectException e) {
            throw new CliFailure(ExitCodes.UNAVAILABLE, "Cannot reach Keymint at " + server
                    + " (" + describe(e) + "). Is the server running? Set KEYMINT_URL or --url to its address.");
        } catch (HttpTimeoutException e) {
            throw new CliFailure(ExitCodes.UNAVAILABLE, "Keymint at " + server + " did not answer within "
                    + REQUEST_TIMEOUT.toSeconds() + " s; the change may or may not have been made");
        } catch (IOException e) {
            throw new CliFailure(ExitCodes.UNAVAILABLE, "Lost the connection to Keymint at " + server + " (" + describe(e) + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliFailure(ExitCodes.FAILED, "Interrupted while waiting for Keymint");
        }
    }

    private static String describe(IOException e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    private JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return json.missingNode();
        }
        try {
            return json.readTree(body);
        } catch (JacksonException notJson) {
            return json.missingNode(); // e.g. a proxy's HTML error page: the status speaks instead
        }
    }

    private static String retryAfter(HttpResponse<String> response) {
        return response.headers().firstValue("Retry-After").map(seconds -> " (retry after " + seconds + " s)").orElse("");
    }

    /** One admin API answer: the body exactly as sent (for {@code --json}) and parsed. */
    record Answer(int status, String body, JsonNode json) {

        boolean succeeded() {
            return status >= 200 && status < 300;
        }

        Answer requireSuccess() {
            if (succeeded()) {
                return this;
            }
            throw new CliFailure(exitCode(status), status, problem());
        }

        /** The problem's title and detail, with the fields a 400 names, or the bare status. */
        String problem() {
            List<String> lines = new ArrayList<>();
            String title = json.path("title").asString("HTTP " + status);
            String detail = json.path("detail").asString("");
            lines.add(detail.isEmpty() ? title : title + ": " + detail);
            for (JsonNode error : json.path("errors")) {
                lines.add("  " + error.path("field").asString("?") + ": " + error.path("message").asString(""));
            }
            json.path("row_errors").forEach(error -> lines.add("  " + rowError(error)));
            return String.join(System.lineSeparator(), lines);
        }

        /** One refused row of an import: {@code row 3 (client_id legacy-7): key_sha256: must be …}. */
        static String rowError(JsonNode error) {
            String clientId = error.path("client_id").isString() ? " (client_id " + error.get("client_id").asString() + ")" : "";
            String field = error.path("field").asString("");
            return "row " + error.path("row").asInt() + clientId + ": " + (field.isEmpty() ? "" : field + ": ")
                    + error.path("message").asString("");
        }

        static int exitCode(int status) {
            return switch (status) {
                case 404 -> ExitCodes.NOT_FOUND;
                case 401, 403 -> ExitCodes.FORBIDDEN;
                case 429, 502, 503, 504 -> ExitCodes.UNAVAILABLE;
                default -> ExitCodes.FAILED;
            };
        }
    }
}
