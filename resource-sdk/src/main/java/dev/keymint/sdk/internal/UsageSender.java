package dev.keymint.sdk.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

/**
 * Sends report batches to Keymint with the reporter's own access token, obtained with
 * {@code client_credentials} and refreshed ahead of expiry. Called only from the reporter's
 * thread. Not API.
 */
public final class UsageSender {

    /** The scope the report endpoint requires. */
    public static final String SCOPE = "admin:usage-reports/**";
    private static final int MAX_RESPONSE_BYTES = 64 * 1024;

    /** What became of a batch. */
    public enum Result {
        /** Booked now, or earlier ({@code duplicate: true}). */
        DELIVERED,
        /** Refused for good (a 4xx other than 401 and 429): sending it again cannot succeed. */
        REFUSED,
        /** Not delivered for now (network, 5xx, 429, no token): send it again later. */
        RETRY
    }

    /**
     * @param result     the outcome
     * @param retryAfter the server's {@code Retry-After}, or null
     * @param detail     a log line: status and the server's explanation, never a secret
     */
    public record Answer(Result result, Duration retryAfter, String detail) {
    }

    private final URI tokenEndpoint;
    private final URI reportEndpoint;
    private final String basicCredentials;
    private final int connectTimeoutMillis;
    private final int readTimeoutMillis;
    private final Clock clock;
    private String accessToken;
    private Instant refreshAt = Instant.MIN;

    /**
     * @param issuer   the Keymint issuer URL
     * @param clientId the resource server's own key id
     * @param secret   its secret
     * @param timeout  connect and read timeout of each request
     * @param clock    for token expiry
     */
    public UsageSender(String issuer, String clientId, String secret, Duration timeout, Clock clock) {
        String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
        this.tokenEndpoint = URI.create(base + "/oauth/token");
        this.reportEndpoint = URI.create(base + "/admin/v1/usage-reports");
        // RFC 6749 §2.3.1: client_secret_basic form-encodes id and secret before base64
        this.basicCredentials = "Basic " + Base64.getEncoder().encodeToString((form(clientId) + ":" + form(secret))
                .getBytes(StandardCharsets.UTF_8));
        this.connectTimeoutMillis = (int) Math.max(1, timeout.toMillis());
        this.readTimeoutMillis = connectTimeoutMillis;
        this.clock = clock;
    }

    /** POSTs one batch; on 401 gets a fresh token and tries once more. */
    public Answer send(String json) {
        try {
            if (accessToken == null || !clock.instant().isBefore(refreshAt)) {
                Answer failed = refreshToken();
                if (failed != null) {
                    return failed;
                }
            }
            Response response = post(reportEndpoint, "application/json", json, "Bearer " + accessToken);
            if (response.status == 401) {
                accessToken = null;
                Answer failed = refreshToken();
                if (failed != null) {
                    return failed;
                }
                response = post(reportEndpoint, "application/json", json, "Bearer " + accessToken);
            }
            int status = response.status;
            if (status >= 200 && status < 300) {
                return new Answer(Result.DELIVERED, null, "HTTP " + status + " " + response.body);
            }
            String detail = "POST " + reportEndpoint + " answered HTTP " + status + ": " + response.body;
            if (status == 401 || status == 429 || status >= 500 || status == 408) {
                if (status == 401) {
                    accessToken = null;
                }
                return new Answer(Result.RETRY, response.retryAfter, detail);
            }
            return new Answer(Result.REFUSED, null, detail);
        } catch (IOException | RuntimeException e) {
            return new Answer(Result.RETRY, null, "POST " + reportEndpoint + " failed: " + e);
        }
    }

    /** @return null when a token was obtained, else why not */
    private Answer refreshToken() throws IOException {
        Instant now = clock.instant();
        Response response = post(tokenEndpoint, "application/x-www-form-urlencoded",
                "grant_type=client_credentials&scope=" + form(SCOPE), basicCredentials);
        String detail = "the usage reporter's token request to " + tokenEndpoint + " answered HTTP " + response.status;
        if (response.status != 200) {
            return new Answer(Result.RETRY, response.retryAfter, detail + ": " + response.body);
        }
        Map<String, Object> body;
        try {
            body = JsonObjectReader.parseObject(response.body);
        } catch (IllegalArgumentException e) {
            return new Answer(Result.RETRY, null, detail + " with a body that is not JSON");
        }
        if (!(body.get("access_token") instanceof String token) || token.isEmpty()) {
            return new Answer(Result.RETRY, null, detail + " without an access_token");
        }
        long expiresIn = body.get("expires_in") instanceof Long seconds && seconds > 0 ? seconds : 60;
        accessToken = token;
        // refresh at 80 % of the lifetime, so a report never goes out with a token about to expire
        refreshAt = now.plusSeconds(Math.max(1, expiresIn * 4 / 5));
        return null;
    }

    private record Response(int status, String body, Duration retryAfter) {
    }

    private Response post(URI uri, String contentType, String body, String authorization) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
        try {
            connection.setInstanceFollowRedirects(false);
            connection.setUseCaches(false);
            connection.setConnectTimeout(connectTimeoutMillis);
            connection.setReadTimeout(readTimeoutMillis);
            connection.setRequestMethod("POST");
            connection.setDoOutput(true);
            connection.setRequestProperty("Content-Type", contentType);
            connection.setRequestProperty("Accept", "application/json");
            connection.setRequestProperty("Authorization", authorization);
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            connection.setFixedLengthStreamingMode(bytes.length);
            try (OutputStream out = connection.getOutputStream()) {
                out.write(bytes);
            }
            int status = connection.getResponseCode();
            InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream();
            String text = in == null ? "" : read(in);
            return new Response(status, text, retryAfter(connection.getHeaderField("Retry-After")));
        } finally {
            connection.disconnect();
        }
    }

    private static String read(InputStream stream) throws IOException {
        try (InputStream in = stream) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[4096];
            int n;
            while ((n = in.read(buffer)) > 0 && out.size() < MAX_RESPONSE_BYTES) {
                out.write(buffer, 0, n);
            }
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    private static Duration retryAfter(String header) {
        if (header == null) {
            return null;
        }
        try {
            long seconds = Long.parseLong(header.trim());
            return seconds >= 0 ? Duration.ofSeconds(Math.min(seconds, 3600)) : null;
        } catch (NumberFormatException e) {
            return null; // an HTTP date: our own back-off applies
        }
    }

    private static String form(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
