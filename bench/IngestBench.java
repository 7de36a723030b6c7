import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Usage-report ingest benchmark (single-file launch: java bench/IngestBench.java ...).
 *
 * <p>Against a running Keymint whose bootstrap key holds *:*: creates KEYS keys, then THREADS threads
 * post reports of all KEYS keys each (fresh batch id, random counts) to /admin/v1/usage-reports for
 * SECONDS seconds, and prints one JSON line: reports/s, entries/s, API requests represented per
 * second, latency percentiles, non-200 answers, and whether the usage API's total equals what
 * was sent (nothing lost, nothing doubled).
 *
 * <p>Arguments: baseUrl clientId apiKey keys threads seconds [reportsPerSecond [stopFile]]. Without a
 * rate (or 0) every thread posts as fast as it is answered: the most the server books. With one, the
 * threads together post steadily at that rate at most, as resource servers reporting on a timer do
 * (bench/scale.sh's side load next to token traffic). With a stop file, posting also ends as soon as
 * that file exists (bench/scale.sh ends its side load when its windows are measured, however long
 * they took).
 */
public class IngestBench {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public static void main(String[] args) throws Exception {
        String base = args[0];
        String clientId = args[1];
        String apiKey = args[2];
        int keys = Integer.parseInt(args[3]);
        int threads = Integer.parseInt(args[4]);
        int seconds = Integer.parseInt(args[5]);
        double rate = args.length > 6 ? Double.parseDouble(args[6]) : 0;
        long intervalNanos = rate > 0 ? (long) (threads * 1e9 / rate) : 0;
        STOP_FILE = args.length > 7 ? Path.of(args[7]) : null;
        String token = token(base, clientId, apiKey);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < keys; i++) {
            String created = send(base + "/admin/v1/keys", token,
                    "{\"name\":\"bench " + i + "\",\"scopes\":[\"read:bench/**\"]}").body();
            ids.add(field(created, "id"));
        }
        // Warm-up: 5 s, not counted in the figures but in the totals check.
        AtomicLong sentAllowed = new AtomicLong();
        run(base, token, ids, threads, 5, intervalNanos, sentAllowed, new long[0][]);
        long[][] latencies = new long[threads][];
        AtomicLong reports = new AtomicLong();
        long start = System.nanoTime();
        long represented = run(base, token, ids, threads, seconds, intervalNanos, sentAllowed, latencies);
        double elapsed = (System.nanoTime() - start) / 1e9;
        long[] all = Arrays.stream(latencies).flatMapToLong(Arrays::stream).sorted().toArray();
        long errors = ERRORS.get();
        long total = 0;
        for (String id : ids) {
            String usage = send(base + "/admin/v1/usage/keys/" + id, token, null).body();
            Matcher allowed = Pattern.compile("\"api_totals\":\\{\"allowed\":(\\d+)").matcher(usage);
            total += allowed.find() ? Long.parseLong(allowed.group(1)) : 0;
        }
        System.out.printf(
                "{\"keys_per_report\":%d,\"threads\":%d,\"seconds\":%.1f,\"reports\":%d,\"reports_per_s\":%.1f,"
                        + "\"entries_per_s\":%.0f,\"requests_represented_per_s\":%.0f,\"p50_ms\":%.1f,\"p99_ms\":%.1f,"
                        + "\"max_ms\":%.1f,\"non_200\":%d,\"allowed_sent\":%d,\"allowed_booked\":%d}%n",
                keys, threads, elapsed, all.length, all.length / elapsed, all.length * (double) keys / elapsed,
                represented / elapsed, pct(all, 0.5), pct(all, 0.99), all.length == 0 ? 0 : all[all.length - 1] / 1e6,
                errors, sentAllowed.get(), total);
    }

    private static final AtomicLong ERRORS = new AtomicLong();
    private static Path STOP_FILE;

    private static boolean going(long end) {
        return System.nanoTime() < end && (STOP_FILE == null || !Files.exists(STOP_FILE));
    }

    /**
     * Posts reports from {@code threads} threads for {@code seconds}, each thread one every
     * {@code intervalNanos} at most, staggered so that together they keep a steady pace (0: back to back);
     * returns requests represented.
     */
    private static long run(String base, String token, List<String> ids, int threads, int seconds, long intervalNanos,
                            AtomicLong sentAllowed, long[][] latencies) throws InterruptedException {
        AtomicLong represented = new AtomicLong();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            int index = t;
            workers[t] = new Thread(() -> {
                long[] mine = new long[1 << 16];
                int n = 0;
                java.util.Random random = new java.util.Random(index);
                long next = System.nanoTime() + intervalNanos * index / threads;
                while (going(end)) {
                    if (intervalNanos > 0) {
                        LockSupport.parkNanos(next - System.nanoTime());
                        // A late thread does not catch up: the rate is a ceiling, not a debt.
                        next = Math.max(next + intervalNanos, System.nanoTime());
                        if (!going(end)) {
                            break;
                        }
                    }
                    StringBuilder body = new StringBuilder("{\"batch_id\":\"").append(UUID.randomUUID()).append("\",\"keys\":[");
                    long allowed = 0;
                    long all = 0;
                    for (int k = 0; k < ids.size(); k++) {
                        int a = random.nextInt(1000);
                        int s = random.nextInt(3);
                        int r = random.nextInt(3);
                        allowed += a;
                        all += a + s + r;
                        body.append(k == 0 ? "" : ",").append("{\"client_id\":\"").append(ids.get(k))
                                .append("\",\"allowed\":").append(a).append(",\"refused_scope\":").append(s)
                                .append(",\"refused_rate\":").append(r).append(",\"cost\":").append(a * 7L).append('}');
                    }
                    body.append("]}");
                    long t0 = System.nanoTime();
                    try {
                        HttpResponse<String> response = send(base + "/admin/v1/usage-reports", token, body.toString());
                        if (response.statusCode() == 200) {
                            sentAllowed.addAndGet(allowed);
                            represented.addAndGet(all);
                            if (n < mine.length) {
                                mine[n++] = System.nanoTime() - t0;
                            }
                        } else {
                            ERRORS.incrementAndGet();
                        }
                    } catch (Exception e) {
                        ERRORS.incrementAndGet();
                    }
                }
                if (latencies.length > 0) {
                    latencies[index] = Arrays.copyOf(mine, n);
                }
            });
            workers[t].start();
        }
        for (Thread worker : workers) {
            worker.join();
        }
        return represented.get();
    }

    private static double pct(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))] / 1e6;
    }

    private static String token(String base, String clientId, String apiKey) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/oauth/token"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        (clientId + ":" + apiKey).getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build();
        return field(HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body(), "access_token");
    }

    private static HttpResponse<String> send(String url, String token, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(30));
        if (json == null) {
            request.GET();
        } else {
            request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String field(String json, String name) {
        Matcher matcher = Pattern.compile("\"" + name + "\"\\s*:\\s*\"([^\"]+)\"").matcher(json);
        if (!matcher.find()) {
            throw new IllegalStateException("No " + name + " in " + json);
        }
        return matcher.group(1);
    }
}
