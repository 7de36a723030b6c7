package dev.keymint.sdk.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

/**
 * Plain {@code HttpURLConnection} POSTs to Keymint (its token endpoint, the usage report endpoint):
 * the one place that knows RFC 6749's client authentication encoding and how much of an answer is
 * read. Shared by the usage reporter and the API-key exchange. Thread-safe. Not API.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1">RFC 6749 §2.3.1</a>
 */
public final class TokenEndpoint {

    private static final int MAX_RESPONSE_BYTES = 64 * 1024;

    /**
     * An answer.
     *
     * @param status     HTTP status
     * @param body       at most 64 KiB of the body, "" when there is none
     * @param retryAfter the server's {@code Retry-After} in seconds, or null
     */
    public record Response(int status, String body, Duration retryAfter) {
    }

    private TokenEndpoint() {
    }

    /** {@code client_secret_basic}: id and secret are form-encoded before base64 (RFC 6749 §2.3.1). */
    public static String basic(String clientId, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((form(clientId) + ":" + form(secret))
                .getBytes(StandardCharsets.UTF_8));
    }

    /** {@code application/x-www-form-urlencoded} encoding of one value. */
    public static String form(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /**
     * POSTs {@code body}; redirects are not followed.
     *
     * @param headers further request headers
     */
    public static Response post(URI uri, String contentType, String body, String authorization, Map<String, String> headers,
                                Duration timeout) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
        try {
            int millis = (int) Math.max(1, timeout.toMillis());
            connection.setInstanceFollowRedirects(false);
            connection.setUseCaches(false);
            connection.setConnectTimeout(millis);
            connection.setReadTimeout(millis);
            connection.setRequestMethod("POST");
            connection.setDoOutput(true);
            connection.setRequestProperty("Content-Type", contentType);
            connection.setRequestProperty("Accept", "application/json");
            connection.setRequestProperty("Authorization", authorization);
            headers.forEach(connection::setRequestProperty);
            // Not in streaming mode: then a 401 (a refused key) throws HttpRetryException and loses its body.
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
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
            return null; // an HTTP date: the caller's own back-off applies
        }
    }
}
