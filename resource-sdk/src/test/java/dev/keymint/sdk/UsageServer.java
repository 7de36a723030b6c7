package dev.keymint.sdk;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keymint's token and usage-report endpoints on 127.0.0.1, as USAGE-CONTRACT.md describes them:
 * {@code POST /oauth/token} (client_credentials, client_secret_basic) and
 * {@code POST /admin/v1/usage-reports} (bearer token, a batch id booked once, {@code duplicate: true}
 * on a repeat). Books the reported counts per key; failure modes are switched on by the tests.
 */
public final class UsageServer implements AutoCloseable {

    public static final String CLIENT_ID = "rs_reporter";
    public static final String SECRET = "s3cret:with/odd+chars";

    /** allowed, refused_scope, refused_rate, cost per client_id, summed over booked batches. */
    public final Map<String, long[]> booked = new ConcurrentHashMap<>();
    /** last_request_at per client_id, as last reported. */
    public final Map<String, String> lastRequestAt = new ConcurrentHashMap<>();
    /** Every batch id received, in order, retries included. */
    public final List<String> attempts = new CopyOnWriteArrayList<>();
    /** Batch ids booked. */
    public final Set<String> bookedIds = ConcurrentHashMap.newKeySet();
    /** Batch ids answered duplicate. */
    public final List<String> duplicates = new CopyOnWriteArrayList<>();
    /** Bodies of the token requests. */
    public final List<String> tokenRequests = new CopyOnWriteArrayList<>();
    /** Entries per received batch. */
    public final List<Integer> entries = new CopyOnWriteArrayList<>();
    public final AtomicInteger unauthorized = new AtomicInteger();

    /** While set, reports are answered 503 (not booked). */
    public volatile boolean failing;
    /** Reports to book and then answer by closing the connection (the response is lost). */
    public final AtomicInteger loseResponses = new AtomicInteger();
    /** Reports to answer 400 without booking. */
    public final AtomicInteger refuse = new AtomicInteger();
    /** When set, a report waits for it before being handled. */
    public volatile CountDownLatch hold;
    /** Counted down when a report arrives. */
    public volatile CountDownLatch arrived = new CountDownLatch(1);

    public final String issuer;
    private final int port;
    private final Set<String> validTokens = ConcurrentHashMap.newKeySet();
    private final AtomicInteger issued = new AtomicInteger();
    private volatile HttpServer server;

    private UsageServer() throws IOException {
        server = create(0);
        port = server.getAddress().getPort();
        issuer = "http://127.0.0.1:" + port;
    }

    public static UsageServer start() {
        try {
            return new UsageServer();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return a reporter for this server with a short interval */
    public UsageReporter.Builder reporter() {
        return UsageReporter.forIssuer(issuer).credentials(CLIENT_ID, SECRET);
    }

    /** Stops listening (connections are refused), as a stopped Keymint. */
    public void stop() {
        server.stop(0);
    }

    /** Listens again on the same port. */
    public void restart() throws IOException {
        server = create(port);
    }

    /** Makes every token issued so far invalid (as after a key rotation or expiry). */
    public void invalidateTokens() {
        validTokens.clear();
    }

    public int tokensIssued() {
        return issued.get();
    }

    /** @return allowed, refused_scope, refused_rate, cost booked for the key (zeros when none) */
    public long[] totals(String clientId) {
        return booked.getOrDefault(clientId, new long[4]).clone();
    }

    private HttpServer create(int port) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
        s.createContext("/oauth/token", this::token);
        s.createContext("/admin/v1/usage-reports", this::report);
        s.start();
        return s;
    }

    private void token(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        tokenRequests.add(body);
        String expected = "Basic " + Base64.getEncoder().encodeToString(
                (CLIENT_ID + ":" + java.net.URLEncoder.encode(SECRET, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
        if (!"POST".equals(exchange.getRequestMethod()) || !expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            respond(exchange, 401, "{\"error\":\"invalid_client\"}");
            return;
        }
        if (!body.equals("grant_type=client_credentials&scope=admin%3Ausage-reports%2F**")) {
            respond(exchange, 400, "{\"error\":\"invalid_request\"}");
            return;
        }
        String token = "at-" + issued.incrementAndGet();
        validTokens.add(token);
        respond(exchange, 200, "{\"access_token\":\"" + token + "\",\"token_type\":\"Bearer\",\"expires_in\":600}");
    }

    private void report(HttpExchange exchange) throws IOException {
        CountDownLatch latch = hold;
        arrived.countDown();
        if (latch != null) {
            try {
                latch.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (authorization == null || !authorization.startsWith("Bearer ") || !validTokens.contains(authorization.substring(7))) {
            unauthorized.incrementAndGet();
            respond(exchange, 401, "{\"title\":\"Unauthorized\"}");
            return;
        }
        if (!"application/json".equals(exchange.getRequestHeaders().getFirst("Content-Type"))) {
            respond(exchange, 415, "{\"title\":\"Unsupported Media Type\"}");
            return;
        }
        Map<String, Object> body;
        try {
            body = JSONObjectUtils.parse(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        } catch (java.text.ParseException e) {
            respond(exchange, 400, "{\"title\":\"Bad Request\"}");
            return;
        }
        String batchId = (String) body.get("batch_id");
        attempts.add(batchId);
        if (failing) {
            respond(exchange, 503, "{\"title\":\"Service Unavailable\"}");
            return;
        }
        if (refuse.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            respond(exchange, 400, "{\"title\":\"Bad Request\",\"detail\":\"refused by the test\"}");
            return;
        }
        synchronized (this) {
            if (!bookedIds.add(batchId)) {
                duplicates.add(batchId);
                respond(exchange, 200, "{\"batch_id\":\"" + batchId + "\",\"duplicate\":true,\"accepted\":0,\"ignored\":0}");
                return;
            }
            List<Object> keys = (List<Object>) body.get("keys");
            entries.add(keys.size());
            for (Object o : keys) {
                Map<String, Object> entry = (Map<String, Object>) o;
                long[] t = booked.computeIfAbsent((String) entry.get("client_id"), k -> new long[4]);
                t[0] += ((Number) entry.get("allowed")).longValue();
                t[1] += ((Number) entry.get("refused_scope")).longValue();
                t[2] += ((Number) entry.get("refused_rate")).longValue();
                t[3] += ((Number) entry.get("cost")).longValue();
                if (entry.get("last_request_at") instanceof String at) {
                    lastRequestAt.put((String) entry.get("client_id"), at);
                }
            }
        }
        if (loseResponses.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            exchange.close(); // booked, but the reporter never hears so
            return;
        }
        respond(exchange, 200, "{\"batch_id\":\"" + batchId + "\",\"duplicate\":false,\"accepted\":1,\"ignored\":0}");
    }

    private static void respond(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", status >= 400 && !json.contains("error") ? "application/problem+json"
                : "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
