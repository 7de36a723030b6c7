package dev.keymint.server.status;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The issuer's public address in front of several Keymint instances, as in production: each request
 * goes to the next instance in turn, headers and body passed through unchanged (gzip included). It
 * starts before the instances, so that they can be configured with its address as their issuer.
 *
 * <p>It also notes every Status List request it forwards: the request's headers, the status
 * answered, and which thread of this JVM is waiting for the answer (the resource server runs in the
 * same JVM; while a request is forwarded, the thread that sent it is blocked inside the SDK's
 * {@code fetchStatusList}, so a look at the JVM's threads finds it).
 */
final class LoadBalancer implements AutoCloseable {

    /** A forwarded Status List request, and the instance that answered it. */
    record StatusListRequest(String path, String backend, Map<String, List<String>> headers, int status,
                             Map<String, List<String>> responseHeaders, String requestingThread) {

        String header(String name) {
            return first(headers, name);
        }

        String responseHeader(String name) {
            return first(responseHeaders, name);
        }

        private static String first(Map<String, List<String>> headers, String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> String.join(", ", e.getValue())).findFirst().orElse(null);
        }
    }

    /** Hop-by-hop or computed by the HTTP stacks on each side. */
    private static final Set<String> NOT_FORWARDED = Set.of("connection", "content-length", "expect", "host", "upgrade",
            "transfer-encoding", "keep-alive", ":status", "date");

    private final HttpServer server;
    private final ExecutorService threads;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private final List<String> backends = new CopyOnWriteArrayList<>();
    private final AtomicInteger next = new AtomicInteger();
    private final List<StatusListRequest> statusListRequests = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> requestsByPath = new java.util.concurrent.ConcurrentHashMap<>();

    private LoadBalancer(HttpServer server, ExecutorService threads) {
        this.server = server;
        this.threads = threads;
    }

    static LoadBalancer start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            LoadBalancer balancer = new LoadBalancer(server, Executors.newFixedThreadPool(4));
            server.createContext("/", balancer::forward);
            server.setExecutor(balancer.threads);
            server.start();
            return balancer;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The public address (the instances' {@code keymint.issuer}). */
    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    void addBackend(String baseUrl) {
        backends.add(baseUrl);
    }

    List<StatusListRequest> statusListRequests() {
        return List.copyOf(statusListRequests);
    }

    /** How many requests for {@code path} (without query) were forwarded so far. */
    int requestCount(String path) {
        AtomicInteger count = requestsByPath.get(path);
        return count == null ? 0 : count.get();
    }

    private void forward(HttpExchange exchange) throws IOException {
        requestsByPath.computeIfAbsent(exchange.getRequestURI().getPath(), path -> new AtomicInteger()).incrementAndGet();
        try (exchange) {
            String target = backends.get(Math.floorMod(next.getAndIncrement(), backends.size()));
            boolean statusList = exchange.getRequestURI().getPath().startsWith("/oauth/status/");
            String requestingThread = statusList ? threadFetchingAStatusList() : null;
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target + exchange.getRequestURI()))
                    .timeout(Duration.ofSeconds(10));
            byte[] requestBody;
            try (InputStream in = exchange.getRequestBody()) {
                requestBody = in.readAllBytes();
            }
            request.method(exchange.getRequestMethod(), requestBody.length == 0 ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(requestBody));
            exchange.getRequestHeaders().forEach((name, values) -> {
                if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT))) {
                    values.forEach(value -> request.header(name, value));
                }
            });
            HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            response.headers().map().forEach((name, values) -> {
                if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT))) {
                    exchange.getResponseHeaders().put(name, values);
                }
            });
            byte[] body = response.body();
            exchange.sendResponseHeaders(response.statusCode(), body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
            if (statusList) {
                statusListRequests.add(new StatusListRequest(exchange.getRequestURI().getPath(), target,
                        Map.copyOf(exchange.getRequestHeaders()), response.statusCode(), response.headers().map(),
                        requestingThread));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The name of the thread of this JVM now inside the SDK's status list fetch, or null if none is. */
    private static String threadFetchingAStatusList() {
        for (Map.Entry<Thread, StackTraceElement[]> thread : Thread.getAllStackTraces().entrySet()) {
            for (StackTraceElement frame : thread.getValue()) {
                if (frame.getClassName().equals("dev.keymint.sdk.internal.HttpFetcher")
                        && frame.getMethodName().equals("fetchStatusList")) {
                    return thread.getKey().getName();
                }
            }
        }
        return null;
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
