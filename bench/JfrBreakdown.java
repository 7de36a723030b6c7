import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarises a JFR recording of the token server as Markdown: where the sampled Java CPU time
 * (jdk.ExecutionSample) and the allocation (jdk.ObjectAllocationSample) go, by layer.
 *
 * <p>Exclusive layers: a sample whose stack contains a nimbus JWS signer (com.nimbusds.jose.crypto)
 * is "JWS signature"; otherwise it belongs to the innermost frame that is not plain JDK code
 * (java., javax., jdk., sun., com.sun., jakarta.), mapped to a layer by package. So JDK work such as
 * a HashMap or a MessageDigest call counts for the library or Keymint code that asked for it.
 * Inclusive shares (stack contains X) are listed too.
 *
 * <p>Usage: java bench/JfrBreakdown.java recording.jfr [tokens-in-window]
 */
public class JfrBreakdown {

    static final String[][] LAYERS = {
            {"com.nimbusds.", "JWT build / serialize (nimbus, non-crypto)"},
            {"org.postgresql.", "JDBC / PostgreSQL driver + HikariCP"},
            {"com.zaxxer.hikari.", "JDBC / PostgreSQL driver + HikariCP"},
            {"org.springframework.jdbc.", "JDBC / PostgreSQL driver + HikariCP"},
            {"dev.keymint.", "Keymint code (self)"},
            {"ch.qos.logback.", "Logging"},
            {"org.slf4j.", "Logging"},
            {"org.apache.logging.", "Logging"},
            {"tools.jackson.", "JSON (Jackson)"},
            {"com.fasterxml.jackson.", "JSON (Jackson)"},
            {"org.springframework.security.", "Spring Security (filter chain, authorization server)"},
            {"io.micrometer.", "Micrometer observation / metrics"},
            {"org.springframework.boot.actuate", "Micrometer observation / metrics"},
            {"org.springframework.", "Spring (MVC, core, other)"},
            {"org.apache.catalina.", "Tomcat / HTTP"},
            {"org.apache.coyote.", "Tomcat / HTTP"},
            {"org.apache.tomcat.", "Tomcat / HTTP"},
    };

    static final String[][] INCLUSIVE = {
            {"com.nimbusds.jose.crypto.", "JWS signer (RSASSASigner / ECDSASigner)"},
            {"org.springframework.security.web.FilterChainProxy", "Spring Security FilterChainProxy"},
            {"org.springframework.security.oauth2.server.authorization.web.OAuth2ClientAuthenticationFilter", "OAuth2ClientAuthenticationFilter"},
            {"org.springframework.security.oauth2.server.authorization.web.OAuth2TokenEndpointFilter", "OAuth2TokenEndpointFilter"},
            {"dev.keymint.server.tokens.ApiKeyClientAuthenticationProvider", "ApiKeyClientAuthenticationProvider"},
            {"dev.keymint.server.tokens.ApiKeyRegisteredClientRepository", "ApiKeyRegisteredClientRepository"},
            {"dev.keymint.server.keys.JdbcApiKeyRepository", "JdbcApiKeyRepository"},
            {"dev.keymint.server.tokens.ClientCredentialsTokenProvider", "ClientCredentialsTokenProvider"},
            {"dev.keymint.server.tokens.AccessTokenMinter", "AccessTokenMinter (build + sign)"},
            {"dev.keymint.server.keys.LastUsedRecorder", "LastUsedRecorder"},
            {"org.postgresql.", "PostgreSQL driver"},
            {"com.zaxxer.hikari.", "HikariCP"},
            {"ch.qos.logback.", "Logback"},
            {"tools.jackson.", "Jackson 3"},
            {"com.fasterxml.jackson.", "Jackson 2"},
            {"io.micrometer.", "Micrometer"},
            {"org.apache.catalina.connector.CoyoteAdapter.service", "Tomcat CoyoteAdapter.service (whole request)"},
            {"org.springframework.web.filter.ServerHttpObservationFilter", "ServerHttpObservationFilter"},
            {"java.security.SecureRandom", "SecureRandom"},
            {"java.security.MessageDigest", "MessageDigest"},
    };

    public static void main(String[] args) throws Exception {
        long tokens = args.length > 1 ? Long.parseLong(args[1]) : 0;
        Map<String, Long> layer = new HashMap<>();
        Map<String, Long> layerAlloc = new HashMap<>();
        Map<String, Long> inclusive = new LinkedHashMap<>();
        Map<String, Long> topFrames = new HashMap<>();
        Map<String, Long> keymintSelf = new HashMap<>();
        Map<String, Long> micrometerCallers = new HashMap<>();
        Map<String, Long> threads = new HashMap<>();
        long samples = 0;
        long allocBytes = 0;
        long gcPauseNanos = 0;
        long gcCount = 0;
        Map<String, Long> allocMin = new HashMap<>();
        Map<String, Long> allocMax = new HashMap<>();
        for (RecordedEvent e : RecordingFile.readAllEvents(Path.of(args[0]))) {
            String type = e.getEventType().getName();
            if (type.equals("jdk.ExecutionSample")) {
                RecordedStackTrace st = e.getStackTrace();
                if (st == null) {
                    continue;
                }
                samples++;
                String thread = e.getThread("sampledThread") == null ? "?" : e.getThread("sampledThread").getJavaName();
                threads.merge(thread == null ? "?" : thread.replaceAll("[0-9]+", "#"), 1L, Long::sum);
                List<String> frames = names(st);
                String l = classify(frames);
                layer.merge(l, 1L, Long::sum);
                if (l.startsWith("Micrometer")) {
                    micrometerCallers.merge(frames.stream()
                            .filter(f -> !plainJdk(f) && !f.startsWith("io.micrometer.")
                                    && !f.startsWith("org.springframework.boot.actuate"))
                            .findFirst().orElse("?"), 1L, Long::sum);
                }
                if (l.equals("Keymint code (self)")) {
                    keymintSelf.merge(firstMatching(frames, "dev.keymint."), 1L, Long::sum);
                }
                if (!frames.isEmpty()) {
                    topFrames.merge(frames.get(0), 1L, Long::sum);
                }
                for (String[] inc : INCLUSIVE) {
                    if (frames.stream().anyMatch(f -> f.startsWith(inc[0]))) {
                        inclusive.merge(inc[1], 1L, Long::sum);
                    }
                }
            } else if (type.equals("jdk.ObjectAllocationSample")) {
                long w = e.getLong("weight");
                allocBytes += w;
                RecordedStackTrace st = e.getStackTrace();
                layerAlloc.merge(st == null ? "?" : classify(names(st)), w, Long::sum);
            } else if (type.equals("jdk.ThreadAllocationStatistics")) {
                long allocated = e.getLong("allocated");
                String t = e.getThread("thread") == null ? "?" : String.valueOf(e.getThread("thread").getJavaThreadId());
                allocMin.merge(t, allocated, Math::min);
                allocMax.merge(t, allocated, Math::max);
            } else if (type.equals("jdk.GarbageCollection")) {
                gcCount++;
                gcPauseNanos += e.getDuration("sumOfPauses").toNanos();
            }
        }
        System.out.println("## Sampled Java CPU by layer (jdk.ExecutionSample, exclusive)");
        System.out.println();
        System.out.printf("%d samples of running Java code (GC and JIT compiler threads are not sampled: see the thread table above).%n", samples);
        System.out.println("Caveats: JFR cannot walk a stack while a thread runs a JIT intrinsic stub (the BigInteger Montgomery"
                + " multiply/square that RSA spends most of its time in), so those samples are lost and the signature share here is"
                + " understated: the sign-only CPU per token versus the server CPU per token in RESULTS.md is the better measure of"
                + " the signature's share. JFR also slows the server (tokens/s above versus RESULTS.md). Use these shares to rank"
                + " the non-signature layers against each other.");
        System.out.println();
        System.out.println("| layer | samples | share of sampled Java CPU |");
        System.out.println("|---|---:|---:|");
        print(layer, samples, 100);
        System.out.println();
        System.out.println("## Inclusive (stack contains)");
        System.out.println();
        System.out.println("| frame | samples | share |");
        System.out.println("|---|---:|---:|");
        for (Map.Entry<String, Long> en : inclusive.entrySet()) {
            System.out.printf("| %s | %d | %.1f%% |%n", en.getKey(), en.getValue(), 100.0 * en.getValue() / samples);
        }
        table("Keymint code (self) by innermost Keymint method", "method", "share of all", keymintSelf, samples, 15);
        table("Micrometer samples by the instrumented caller (who opened the observation)", "caller frame", "share of all", micrometerCallers, samples, 12);
        table("Hottest leaf frames", "frame", "share", topFrames, samples, 25);
        table("Sampled threads", "thread", "share", threads, samples, 10);
        System.out.println();
        System.out.println("## Allocation (jdk.ObjectAllocationSample weights) and GC");
        System.out.println();
        long allocated = 0;
        for (String t : allocMax.keySet()) {
            allocated += allocMax.get(t) - allocMin.get(t);
        }
        System.out.printf("Allocated (jdk.ThreadAllocationStatistics, first to last reading per thread): %.0f MB in the window%s;"
                + " %d GCs, %.0f ms total pause. Shares by layer below come from the allocation samples' weights.%n%n",
                allocated / 1e6, tokens > 0 ? String.format(", about %.0f KB per token", allocated / 1e3 / tokens) : "",
                gcCount, gcPauseNanos / 1e6);
        System.out.println("| layer | share of allocation | ≈ KB per token |");
        System.out.println("|---|---:|---:|");
        List<Map.Entry<String, Long>> a = new ArrayList<>(layerAlloc.entrySet());
        a.sort((x, y) -> Long.compare(y.getValue(), x.getValue()));
        for (Map.Entry<String, Long> en : a) {
            double share = (double) en.getValue() / allocBytes;
            if (share < 0.001) {
                continue;
            }
            System.out.printf("| %s | %.1f%% | %s |%n", en.getKey(), 100 * share,
                    tokens > 0 ? String.format("%.0f", share * allocated / 1e3 / tokens) : "–");
        }
    }

    static List<String> names(RecordedStackTrace st) {
        List<String> out = new ArrayList<>();
        for (RecordedFrame f : st.getFrames()) {
            if (f.getMethod() == null || f.getMethod().getType() == null) {
                out.add("?");
            } else {
                out.add(f.getMethod().getType().getName() + "." + f.getMethod().getName());
            }
        }
        return out;
    }

    static boolean plainJdk(String f) {
        return f.startsWith("java.") || f.startsWith("javax.") || f.startsWith("jdk.") || f.startsWith("sun.")
                || f.startsWith("com.sun.") || f.startsWith("jakarta.") || f.equals("?");
    }

    static String classify(List<String> frames) {
        for (String f : frames) {
            if (f.startsWith("com.nimbusds.jose.crypto.")) {
                return "JWS signature (nimbus signer + JCA RSA/EC)";
            }
        }
        for (String f : frames) {
            if (plainJdk(f)) {
                continue;
            }
            for (String[] l : LAYERS) {
                if (f.startsWith(l[0])) {
                    return l[1];
                }
            }
            int dot = f.lastIndexOf('.', f.lastIndexOf('.') - 1);
            return "other: " + (dot > 0 ? f.substring(0, dot) : f);
        }
        return "JDK only: " + (frames.isEmpty() ? "?" : frames.get(frames.size() - 1));
    }

    static String firstMatching(List<String> frames, String prefix) {
        return frames.stream().filter(f -> f.startsWith(prefix)).findFirst().orElse("?");
    }

    /** A blank line, then a "## title" section with the largest {@code limit} counts as a table. */
    static void table(String title, String keyColumn, String shareColumn, Map<String, Long> counts, long total, int limit) {
        System.out.println();
        System.out.println("## " + title);
        System.out.println();
        System.out.println("| " + keyColumn + " | samples | " + shareColumn + " |");
        System.out.println("|---|---:|---:|");
        print(counts, total, limit);
    }

    static void print(Map<String, Long> counts, long total, int limit) {
        counts.entrySet().stream().sorted((x, y) -> Long.compare(y.getValue(), x.getValue())).limit(limit)
                .forEach(en -> System.out.printf("| %s | %d | %.1f%% |%n", en.getKey().replace("|", "\\|"),
                        en.getValue(), 100.0 * en.getValue() / total));
    }
}
