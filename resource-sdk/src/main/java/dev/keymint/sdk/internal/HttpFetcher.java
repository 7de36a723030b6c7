package dev.keymint.sdk.internal;

import dev.keymint.sdk.JwksFetcher;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * The default {@link JwksFetcher}: one GET with connect and read timeouts, no redirects, a
 * 200 status required and the body read up to a byte limit. Thread-safe. Not API.
 */
public final class HttpFetcher implements JwksFetcher {

    private final int connectTimeoutMillis;
    private final int readTimeoutMillis;
    private final int maxBytes;

    /**
     * @param connectTimeout connect timeout
     * @param readTimeout    read timeout (per read)
     * @param maxBytes       largest accepted body
     */
    public HttpFetcher(Duration connectTimeout, Duration readTimeout, int maxBytes) {
        this.connectTimeoutMillis = (int) Math.max(1, connectTimeout.toMillis());
        this.readTimeoutMillis = (int) Math.max(1, readTimeout.toMillis());
        this.maxBytes = maxBytes;
    }

    @Override
    public Fetched fetch(URI uri) throws IOException {
        URLConnection raw = uri.toURL().openConnection();
        if (!(raw instanceof HttpURLConnection connection)) {
            throw new IOException("not an HTTP URI: " + uri);
        }
        try {
            connection.setInstanceFollowRedirects(false);
            connection.setUseCaches(false);
            connection.setConnectTimeout(connectTimeoutMillis);
            connection.setReadTimeout(readTimeoutMillis);
            connection.setRequestProperty("Accept", "application/json, application/jwk-set+json");
            int status = connection.getResponseCode();
            if (status != 200) {
                throw new IOException("GET " + uri + " answered HTTP " + status);
            }
            if (connection.getContentLengthLong() > maxBytes) {
                throw new IOException("GET " + uri + " body is larger than " + maxBytes + " bytes");
            }
            String body;
            try (InputStream in = connection.getInputStream()) {
                body = readBounded(in, maxBytes, uri);
            }
            return new Fetched(body, maxAge(connection.getHeaderField("Cache-Control")));
        } finally {
            connection.disconnect();
        }
    }

    private static String readBounded(InputStream in, int maxBytes, URI uri) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(maxBytes, 8192));
        byte[] buffer = new byte[8192];
        int n;
        while ((n = in.read(buffer)) > 0) {
            if (out.size() + n > maxBytes) {
                throw new IOException("GET " + uri + " body is larger than " + maxBytes + " bytes");
            }
            out.write(buffer, 0, n);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /**
     * @param cacheControl a {@code Cache-Control} header value, may be null
     * @return its max-age ({@code no-store}/{@code no-cache} give zero), if any
     */
    public static Optional<Duration> maxAge(String cacheControl) {
        if (cacheControl == null) {
            return Optional.empty();
        }
        Optional<Duration> result = Optional.empty();
        for (String directive : cacheControl.split(",")) {
            String d = directive.trim().toLowerCase(Locale.ROOT);
            if (d.equals("no-store") || d.equals("no-cache")) {
                return Optional.of(Duration.ZERO);
            }
            if (d.startsWith("max-age=")) {
                String value = d.substring("max-age=".length()).replace("\"", "");
                try {
                    long seconds = Long.parseLong(value);
                    result = Optional.of(Duration.ofSeconds(Math.max(0, seconds)));
                } catch (NumberFormatException e) {
                    // ignore a malformed directive
                }
            }
        }
        return result;
    }
}
