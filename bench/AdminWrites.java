import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Admin writes for bench/instances.sh (single-file launch: java bench/AdminWrites.java ...).
 *
 * <p>Against running Keymint instances sharing one database, whose bootstrap key holds *:*:
 * <ul>
 *   <li>{@code toggle COUNT}: creates one key, then disables and enables it in turn, COUNT calls in
 *   all, one at a time. Each call returns only once every live instance confirmed the change (the
 *   barrier of docs/key-cache.md), so its latency is the barrier's plus the write's.</li>
 *   <li>{@code create COUNT}: creates COUNT keys from THREADS threads (a create waits for no
 *   instance).</li>
 * </ul>
 * Calls go round-robin over the instances' base URLs, as a load balancer would send them. Prints one
 * JSON line: calls, seconds, calls/s, p50/p99/max in ms, answers that were not 2xx.
 *
 * <p>Arguments: baseUrls (comma-separated) clientId apiKey toggle|create count threads
 */
public class AdminWrites {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final AtomicLong FAILED = new AtomicLong();

    public static void main(String[] args) throws Exception {
        String[] bases = args[0].split(",");
        String token = token(bases[0], args[1], args[2]);
        String mode = args[3];
        int count = Integer.parseInt(args[4]);
        int threads = Integer.parseInt(args[5]);
        long[] latencies = new long[count];
        AtomicInteger next = new AtomicInteger();
        long start;
        if (mode.equals("toggle")) {
            String id = field(send(bases[0] + "/admin/v1/keys", token,
                    "{\"name\":\"barrier\",\"scopes\":[\"read:bench/**\"]}").body(), "id");
            start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                long t0 = System.nanoTime();
                toggle(bases[i % bases.length], token, id, i);
                latencies[i] = System.nanoTime() - t0;
            }
        } else if (mode.equals("create")) {
            start = System.nanoTime();
            Thread[] workers = new Thread[threads];
            for (int t = 0; t < threads; t++) {
                workers[t] = new Thread(() -> {
                    for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                        long t0 = System.nanoTime();
                        send(bases[i % bases.length] + "/admin/v1/keys", token,
                                "{\"name\":\"bench " + i + "\",\"scopes\":[\"read:bench/**\"]}");
                        latencies[i] = System.nanoTime() - t0;
                    }
                });
                workers[t].start();
            }
            for (Thread worker : workers) {
                worker.join();
            }
        } else {
            throw new IllegalArgumentException("mode must be toggle or create, not " + mode);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long[] sorted = latencies.clone();
        Arrays.sort(sorted);
        System.out.printf("{\"mode\":\"%s\",\"instances\":%d,\"threads\":%d,\"calls\":%d,\"seconds\":%.2f,\"per_s\":%.1f,"
                        + "\"p50_ms\":%.2f,\"p99_ms\":%.2f,\"max_ms\":%.2f,\"non_2xx\":%d}%n",
                mode, bases.length, mode.equals("toggle") ? 1 : threads, count, seconds, count / seconds,
                pct(sorted, 0.5), pct(sorted, 0.99), sorted[count - 1] / 1e6, FAILED.get());
    }

    private static void toggle(String base, String token, String id, int i) {
        send(base + "/admin/v1/keys/" + id + (i % 2 == 0 ? "/disable" : "/enable"), token, "");
    }

    private static double pct(long[] sorted, double p) {
        return sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))] / 1e6;
    }

    private static String token(String base, String clientId, String apiKey) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/oauth/token"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        (clientId + ":" + apiKey).getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build();
        return field(HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body(), "access_token");
    }

    /** POSTs the JSON body; a failure or an answer other than 2xx is counted, not thrown. */
    private static HttpResponse<String> send(String url, String token, String json) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(json.isEmpty() ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json))
                .build();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                FAILED.incrementAndGet();
            }
            return response;
        } catch (Exception e) {
            FAILED.incrementAndGet();
            return null;
        }
    }

    private static String field(String json, String name) {
        Matcher matcher = Pattern.compile("\"" + name + "\"\\s*:\\s*\"([^\"]+)\"").matcher(json);
        if (!matcher.find()) {
            throw new IllegalStateException("No " + name + " in " + json);
        }
        return matcher.group(1);
    }
}
