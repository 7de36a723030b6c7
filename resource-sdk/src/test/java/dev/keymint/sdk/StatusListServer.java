package dev.keymint.sdk;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;

/**
 * An issuer on 127.0.0.1 serving its JWKS at {@code /jwks} and Status List Tokens at
 * {@code /oauth/status/<id>} the way Keymint does: {@code application/statuslist+jwt}, an
 * {@code ETag} with {@code 304} to {@code If-None-Match}, gzip when accepted, 404 for an unknown list.
 * Its {@code /oauth/token} gives any client_secret_basic caller a token of its client_id (for the
 * API-key path; the key itself is not checked here, Keymint's tests do that).
 */
public final class StatusListServer implements AutoCloseable {

    public final String issuer;
    /** Paths of every status list request, in order. */
    public final CopyOnWriteArrayList<String> statusRequests = new CopyOnWriteArrayList<>();
    public final AtomicInteger notModified = new AtomicInteger();
    public final AtomicInteger gzipped = new AtomicInteger();
    /** Status list requests answered 200 with a list. */
    public final AtomicInteger served = new AtomicInteger();
    /** Status list requests answered 500 because of {@link #failing}. */
    public final AtomicInteger failed = new AtomicInteger();
    /** While set, status list requests answer 500. */
    public volatile boolean failing;
    private final HttpServer server;
    private final Map<String, String> lists = new ConcurrentHashMap<>();
    private volatile String jwks = TokenFixture.jwks(TokenFixture.KEY);
    /** The {@code Forwarded} header of every token request, in order ("" when absent). */
    public final CopyOnWriteArrayList<String> tokenRequests = new CopyOnWriteArrayList<>();

    private StatusListServer(HttpServer server) {
        this.server = server;
        this.issuer = "http://127.0.0.1:" + server.getAddress().getPort();
        server.createContext("/jwks", exchange -> respond(exchange, 200, "application/json", jwks, null));
        server.createContext("/oauth/status/", this::status);
        server.createContext("/oauth/token", this::token);
        server.start();
    }

    public static StatusListServer start() {
        try {
            return new StatusListServer(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return a verifier builder for this issuer, keys from {@code /jwks} */
    public TokenVerifier.Builder verifier() {
        return TokenVerifier.forIssuer(issuer).jwksUri(URI.create(issuer + "/jwks"));
    }

    public String uri(String listId) {
        return issuer + "/oauth/status/" + listId;
    }

    /** Serves {@code jws} (a signed Status List Token) at {@link #uri(String) uri(listId)}. */
    public void publish(String listId, String jws) {
        lists.put(listId, jws);
    }

    /** @return how many status list requests asked for {@code listId} */
    public long requestsFor(String listId) {
        return statusRequests.stream().filter(p -> p.equals("/oauth/status/" + listId)).count();
    }

    private void token(HttpExchange exchange) throws IOException {
        String forwarded = exchange.getRequestHeaders().getFirst("Forwarded");
        tokenRequests.add(forwarded == null ? "" : forwarded);
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (authorization == null || !authorization.startsWith("Basic ")) {
            respond(exchange, 401, "application/json", "{\"error\":\"invalid_client\"}", null);
            return;
        }
        String credentials = new String(java.util.Base64.getDecoder().decode(authorization.substring(6)), StandardCharsets.UTF_8);
        String clientId = credentials.substring(0, credentials.indexOf(':'));
        String token = TokenFixture.token(java.time.Instant.now()).claim("iss", issuer).claim("client_id", clientId)
                .claim("sub", clientId).build();
        respond(exchange, 200, "application/json", "{\"access_token\":\"" + token
                + "\",\"token_type\":\"Bearer\",\"expires_in\":300}", null);
    }

    private void status(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getRawPath();
        statusRequests.add(path);
        if (failing) {
            failed.incrementAndGet();
            respond(exchange, 500, "text/plain", "simulated outage", null);
            return;
        }
        String body = lists.get(path.substring("/oauth/status/".length()));
        if (body == null) {
            respond(exchange, 404, "text/plain", "no such list", null);
            return;
        }
        String etag = "\"" + sha256(body) + "\"";
        if (etag.equals(exchange.getRequestHeaders().getFirst("If-None-Match"))) {
            notModified.incrementAndGet();
            exchange.getResponseHeaders().set("ETag", etag);
            exchange.sendResponseHeaders(304, -1);
            exchange.close();
            return;
        }
        if (!"application/statuslist+jwt".equals(exchange.getRequestHeaders().getFirst("Accept"))) {
            respond(exchange, 406, "text/plain", "ask for application/statuslist+jwt", null);
            return;
        }
        served.incrementAndGet();
        respond(exchange, 200, "application/statuslist+jwt", body, etag);
    }

    private void respond(HttpExchange exchange, int status, String type, String body, String etag) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String acceptEncoding = exchange.getRequestHeaders().getFirst("Accept-Encoding");
        if (acceptEncoding != null && acceptEncoding.contains("gzip") && status == 200) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
                gzip.write(bytes);
            }
            bytes = out.toByteArray();
            exchange.getResponseHeaders().set("Content-Encoding", "gzip");
            gzipped.incrementAndGet();
        }
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "max-age=10");
        if (etag != null) {
            exchange.getResponseHeaders().set("ETag", etag);
        }
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String sha256(String body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
