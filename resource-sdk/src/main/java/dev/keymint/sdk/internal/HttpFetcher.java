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
import java.util.zip.GZIPInputStream;

/**
 * The default {@link JwksFetcher}: one GET with connect and read timeouts, no redirects, a
 * 200 status required (or 304 to a conditional status list request) and the body read, gzip
 * decoded if the server chose to, up to a byte limit counted after decoding. Thread-safe. Not API.
 */
public final class HttpFetcher implements JwksFetcher {

    private final int connectTimeoutMillis;
    private final int readTimeoutMillis;
    private final int maxBytes;
    private final int maxStatusListBytes;

    /**
     * @param connectTimeout     connect timeout
     * @param readTimeout        read timeout (per read)
     * @param maxBytes           largest accepted metadata or JWKS body
     * @param maxStatusListBytes largest accepted Status List Token body (after gzip decoding)
     */
    public HttpFetcher(Duration connectTimeout, Duration readTimeout, int maxBytes, int maxStatusListBytes) {
        this.connectTimeoutMillis = (int) Math.max(1, connectTimeout.toMillis());
        this.readTimeoutMillis = (int) Math.max(1, readTimeout.toMillis());
        this.maxBytes = maxBytes;
        this.maxStatusListBytes = maxStatusListBytes;
    }

    @Override
    public Fetched fetch(URI uri) throws IOException {
        return get(uri, "application/json, application/jwk-set+json", null, maxBytes);
    }

    @Override
    public Fetched fetchStatusList(URI uri, String etag) throws IOException {
        return get(uri, "application/statuslist+jwt", etag, maxStatusListBytes);
    }

    private Fetched get(URI uri, String accept, String etag, int limit) throws IOException {
        URLConnection raw = uri.toURL().openConnection();
        if (!(raw instanceof HttpURLConnection connection)) {
            throw new IOException("not an HTTP URI: " + uri);
        }
        try {
            connection.setInstanceFollowRedirects(false);
            connection.setUseCaches(false);
            connection.setConnectTimeout(connectTimeoutMillis);
            connection.setReadTimeout(readTimeoutMillis);
            connection.setRequestProperty("Accept", accept);
            connection.setRequestProperty("Accept-Encoding", "gzip"); // the status list draft recommends it
            boolean conditional = etag != null;
            if (conditional) {
                connection.setRequestProperty("If-None-Match", etag);
            }
            int status = connection.getResponseCode();
            Optional<Duration> maxAge = maxAge(connection.getHeaderField("Cache-Control"));
            Optional<String> responseEtag = Optional.ofNullable(connection.getHeaderField("ETag"));
            if (status == 304 && conditional) {
                return Fetched.notModified(maxAge, responseEtag);
            }
            if (status != 200) {
                throw new IOException("GET " + uri + " answered HTTP " + status);
            }
            boolean gzip = "gzip".equalsIgnoreCase(connection.getContentEncoding());
            if (!gzip && connection.getContentLengthLong() > limit) {
                throw new IOException("GET " + uri + " body is larger than " + limit + " bytes");
            }
            String body;
            try (InputStream in = gzip ? new GZIPInputStream(connection.getInputStream()) : connection.getInputStream()) {
                body = readBounded(in, limit, uri);
            }
            return new Fetched(body, maxAge, responseEtag, false);
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
    static Optional<Duration> maxAge(String cacheControl) {
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
