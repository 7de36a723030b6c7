package dev.keymint.sdk.bench;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jose.util.Base64URL;
import dev.keymint.sdk.JwksFetcher;
import dev.keymint.sdk.TokenRejectedException;
import dev.keymint.sdk.TokenVerifier;
import dev.keymint.sdk.UsageReporter;
import dev.keymint.sdk.VerifiedToken;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.zip.Deflater;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * RS256 verifications per second and thread: the full {@link TokenVerifier#verify} (parse,
 * cached key, signature, claims, scopes) against a bare nimbus {@link RSASSAVerifier#verify}
 * on the same token, and their ratio (target ≥ 0.85); and the Token Status List check: one token
 * with a {@code status} claim verified with the check on (list warm: fetched once in set-up) and
 * off, and their ratio (target ≥ 0.95, i.e. at most 5 % slower); and usage counting: the same
 * token verified with a {@link UsageReporter} counting it (and one {@code recordCost}) and without,
 * and their ratio (target ≥ 0.98, i.e. counting costs at most 2 %).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class VerifyBenchmark {

    private static final int ROUNDS = 3;

    private static final String ISSUER = "https://auth.example.com";

    private String token;
    private TokenVerifier verifier;
    private String statusToken;
    private TokenVerifier statusChecked;
    private TokenVerifier statusUnchecked;
    private TokenVerifier counted;
    private RSASSAVerifier bare;
    private JWSHeader header;
    private byte[] signingInput;
    private Base64URL signature;

    @Setup
    public void setUp() throws Exception {
        RSAKey key = new RSAKeyGenerator(2048).keyID("k1").generate();
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(ISSUER).subject("key_abc").claim("client_id", "key_abc")
                .audience("billing-api").claim("org", "acme").claim("scope", "read:projects/42/** write:projects/42/invoices/*")
                .issueTime(Date.from(now)).notBeforeTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(86_400)))
                .jwtID(UUID.randomUUID().toString()).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(new JOSEObjectType("at+jwt"))
                .keyID("k1").build(), claims);
        jwt.sign(new RSASSASigner(key));
        token = jwt.serialize();
        verifier = TokenVerifier.forIssuer(ISSUER).jwks(new JWKSet(List.of(key.toPublicJWK())).toString())
                .audience("billing-api").organization("acme").build();
        bare = new RSASSAVerifier(key.toRSAPublicKey());
        int lastDot = token.lastIndexOf('.');
        header = jwt.getHeader();
        signingInput = token.substring(0, lastDot).getBytes(StandardCharsets.US_ASCII);
        signature = new Base64URL(token.substring(lastDot + 1));
        if (!bare.verify(header, signingInput, signature) || verifier.verify(token) == null) {
            throw new IllegalStateException("fixture token does not verify");
        }
        setUpStatusList(key, claims, now);
        // Never sends during the run (interval 1 h) and is never closed: the benchmark measures the
        // request path, which is all a request thread ever does for reporting.
        UsageReporter reporter = UsageReporter.forIssuer(ISSUER).credentials("rs_bench", "unused")
                .interval(java.time.Duration.ofHours(1)).build();
        counted = TokenVerifier.forIssuer(ISSUER).jwks(new JWKSet(List.of(key.toPublicJWK())).toString())
                .audience("billing-api").organization("acme").usageReporter(reporter).build();
        counted.verify(token);
    }

    /**
     * A list of 1 million entries with 1 % revoked, served by an in-memory fetcher (no network in
     * the measured loop either way: after the first fetch the verifier only reads the decoded list).
     */
    private void setUpStatusList(RSAKey key, JWTClaimsSet claims, Instant now) throws Exception {
        String uri = ISSUER + "/oauth/status/1";
        int entries = 1_000_000;
        byte[] packed = new byte[entries / 4];
        Random random = new Random(42);
        for (int i = 0; i < entries / 100; i++) {
            int idx = random.nextInt(entries);
            packed[idx / 4] |= (byte) (1 << (idx % 4 * 2));
        }
        int idx = 123_457;
        packed[idx / 4] &= (byte) ~(3 << (idx % 4 * 2));
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
        deflater.setInput(packed);
        deflater.finish();
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        while (!deflater.finished()) {
            compressed.write(buffer, 0, deflater.deflate(buffer));
        }
        deflater.end();
        JWTClaimsSet listClaims = new JWTClaimsSet.Builder().issuer(ISSUER).subject(uri).issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(86_400))).claim("ttl", 300)
                .claim("status_list", Map.of("bits", 2, "lst",
                        Base64.getUrlEncoder().withoutPadding().encodeToString(compressed.toByteArray())))
                .build();
        String listJws = signed(key, "statuslist+jwt", listClaims);
        String jwks = new JWKSet(List.of(key.toPublicJWK())).toString();
        JwksFetcher fetcher = u -> JwksFetcher.Fetched.of(u.toString().equals(uri) ? listJws : jwks);

        statusToken = signed(key, "at+jwt", new JWTClaimsSet.Builder(claims)
                .claim("status", Map.of("status_list", Map.of("idx", idx, "uri", uri))).build());
        statusChecked = TokenVerifier.forIssuer(ISSUER).jwksUri(URI.create(ISSUER + "/jwks")).fetcher(fetcher)
                .audience("billing-api").organization("acme").build();
        statusUnchecked = TokenVerifier.forIssuer(ISSUER).jwksUri(URI.create(ISSUER + "/jwks")).fetcher(fetcher)
                .audience("billing-api").organization("acme").statusCheck(false).build();
        statusChecked.verify(statusToken); // warms the list: the only fetch
        statusUnchecked.verify(statusToken);
        String revoked = signed(key, "at+jwt", new JWTClaimsSet.Builder(claims)
                .claim("status", Map.of("status_list", Map.of("idx", revokedIndex(packed), "uri", uri))).build());
        try {
            statusChecked.verify(revoked);
            throw new IllegalStateException("the status check is not active: a revoked entry verified");
        } catch (TokenRejectedException expected) {
            // the check runs
        }
    }

    private static String signed(RSAKey key, String typ, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(new JOSEObjectType(typ))
                .keyID(key.getKeyID()).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    /**
     * @param with    one verification with the feature measured
     * @param without the same verification without it
     * @return the median over blocks of CPU time without / CPU time with, the two sides alternating
     *         which goes first
     */
    private static double cpuTimeRatio(int blocks, int verificationsPerBlock, Supplier<Object> with, Supplier<Object> without) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        int sink = 0;
        for (int i = 0; i < 20_000; i++) {
            sink += with.get().hashCode() + without.get().hashCode();
        }
        List<Double> ratios = new ArrayList<>();
        for (int block = 0; block < blocks; block++) {
            long withTime = 0;
            long withoutTime = 0;
            for (int side = 0; side < 2; side++) {
                boolean first = (side == 0) == (block % 2 == 0);
                Supplier<Object> measured = first ? with : without;
                long start = threads.getCurrentThreadCpuTime();
                for (int i = 0; i < verificationsPerBlock; i++) {
                    sink += measured.get().hashCode();
                }
                long spent = threads.getCurrentThreadCpuTime() - start;
                if (first) {
                    withTime = spent;
                } else {
                    withoutTime = spent;
                }
            }
            ratios.add((double) withoutTime / withTime);
        }
        if (sink == 42) {
            System.out.println(); // keeps the results alive
        }
        Collections.sort(ratios);
        return ratios.get(ratios.size() / 2);
    }

    private static int revokedIndex(byte[] packed) {
        for (int i = 0; ; i++) {
            if (((packed[i / 4] >> (i % 4 * 2)) & 3) == 1) {
                return i;
            }
        }
    }

    /** Everything a resource server does per request. */
    @Benchmark
    public VerifiedToken keymintVerify() {
        return verifier.verify(token);
    }

    /** A token with a status claim, its list entry checked (list warm). */
    @Benchmark
    public VerifiedToken keymintVerifyStatusChecked() {
        return statusChecked.verify(statusToken);
    }

    /** The same token with the status check off. */
    @Benchmark
    public VerifiedToken keymintVerifyStatusUnchecked() {
        return statusUnchecked.verify(statusToken);
    }

    /** Verify with a usage reporter counting the request, and one cost record. */
    @Benchmark
    public VerifiedToken keymintVerifyCounted() {
        return counted.verify(token).recordCost(1);
    }

    /** The same without a reporter ({@code recordCost} is then a no-op). */
    @Benchmark
    public VerifiedToken keymintVerifyUncounted() {
        return verifier.verify(token).recordCost(1);
    }

    /** Only the RSA signature check, with inputs prepared outside the loop. */
    @Benchmark
    public boolean nimbusRsaVerify() throws Exception {
        return bare.verify(header, signingInput, signature);
    }

    /**
     * Runs the benchmarks in {@value #ROUNDS} back-to-back rounds, so that a machine whose speed
     * drifts over minutes affects both sides of each ratio alike, and writes
     * docs/sdk-verification.md with every round and the median ratios.
     */
    public static void main(String[] args) throws Exception {
        Options options = new OptionsBuilder()
                .include(VerifyBenchmark.class.getName() + "\\.")
                .forks(1).threads(1)
                .warmupIterations(3).warmupTime(TimeValue.seconds(2))
                .measurementIterations(4).measurementTime(TimeValue.seconds(2))
                .build();
        StringBuilder table = new StringBuilder("""
                # resource-sdk: verification cost against a bare signature check

                Generated by `resource-sdk/bench.sh` (JMH, one thread, RS256, 2048-bit key) on %s.
                Do not edit by hand: rerun the command.

                `TokenVerifier.verify` is everything a resource server does per request (parse, cached key,
                signature, `typ`/`iss`/`aud`/`org`/time claims, scopes); the bare check is nimbus
                `RSASSAVerifier.verify` on the same token with its inputs prepared outside the loop.

                | round | TokenVerifier.verify (ops/s) | ± | bare RSASSAVerifier.verify (ops/s) | ± | ratio |
                |---|---:|---:|---:|---:|---:|
                """.formatted(MachineFacts.describe()));
        StringBuilder statusTable = new StringBuilder("""

                ## Token Status List check

                One token with a `status.status_list` claim (a list of 1 million 2-bit entries, 1 % revoked),
                verified with the status check on (the list warm: fetched once before measuring, then only read)
                and with `statusCheck(false)`. Target: at most 5 % slower (ratio ≥ 0.95).

                | round | verify with status check, list warm (ops/s) | ± | verify without (ops/s) | ± | ratio |
                |---|---:|---:|---:|---:|---:|
                """);
        StringBuilder countTable = new StringBuilder("""

                ## Usage counting

                The same token verified by a verifier with a `UsageReporter` (the request counted as allowed
                for its key, plus one `recordCost`) and by one without. Target: counting costs at most 2 %
                (ratio ≥ 0.98).

                | round | verify + count (ops/s) | ± | verify (ops/s) | ± | ratio |
                |---|---:|---:|---:|---:|---:|
                """);
        List<Double> ratios = new ArrayList<>();
        List<Double> statusRatios = new ArrayList<>();
        List<Double> countRatios = new ArrayList<>();
        for (int round = 1; round <= ROUNDS; round++) {
            Map<String, Result<?>> results = new HashMap<>();
            for (RunResult result : new Runner(options).run()) {
                String name = result.getParams().getBenchmark();
                results.put(name.substring(name.lastIndexOf('.') + 1), result.getPrimaryResult());
            }
            Result<?> keymint = results.get("keymintVerify");
            Result<?> bare = results.get("nimbusRsaVerify");
            double ratio = keymint.getScore() / bare.getScore();
            ratios.add(ratio);
            table.append("| %d | %.0f | %.0f | %.0f | %.0f | %.3f |%n".formatted(round, keymint.getScore(),
                    keymint.getScoreError(), bare.getScore(), bare.getScoreError(), ratio));
            Result<?> checked = results.get("keymintVerifyStatusChecked");
            Result<?> unchecked = results.get("keymintVerifyStatusUnchecked");
            double statusRatio = checked.getScore() / unchecked.getScore();
            statusRatios.add(statusRatio);
            statusTable.append("| %d | %.0f | %.0f | %.0f | %.0f | %.3f |%n".formatted(round, checked.getScore(),
                    checked.getScoreError(), unchecked.getScore(), unchecked.getScoreError(), statusRatio));
            Result<?> withCount = results.get("keymintVerifyCounted");
            Result<?> withoutCount = results.get("keymintVerifyUncounted");
            double countRatio = withCount.getScore() / withoutCount.getScore();
            countRatios.add(countRatio);
            countTable.append("| %d | %.0f | %.0f | %.0f | %.0f | %.3f |%n".formatted(round, withCount.getScore(),
                    withCount.getScoreError(), withoutCount.getScore(), withoutCount.getScoreError(), countRatio));
        }
        Collections.sort(countRatios);
        double countMedian = countRatios.get(countRatios.size() / 2);
        Collections.sort(ratios);
        Collections.sort(statusRatios);
        double median = ratios.get(ratios.size() / 2);
        double statusMedian = statusRatios.get(statusRatios.size() / 2);
        table.append("""

                Median ratio: **%.3f** (target ≥ 0.85: %s). ± is JMH's 99.9%% error over the measured
                iterations; when it is large the machine was busy, so rerun before drawing conclusions.
                """.formatted(median, median >= 0.85 ? "met" : "NOT met"));
        table.append(statusTable).append("""

                Median ratio: **%.3f** (target ≥ 0.95: %s). The rounds interleave the benchmarks so that
                slow drifts of the machine affect both sides alike; a busy machine still shows in ±.
                """.formatted(statusMedian, statusMedian >= 0.95 ? "met" : "NOT met"));
        VerifyBenchmark bench = new VerifyBenchmark();
        bench.setUp();
        double cpuRatio = cpuTimeRatio(201, 200, bench::keymintVerifyStatusChecked, bench::keymintVerifyStatusUnchecked);
        double countCpuRatio = cpuTimeRatio(201, 200, bench::keymintVerifyCounted, bench::keymintVerifyUncounted);
        table.append("""

                The same pair by **CPU time** of the measuring thread, which other processes on a busy
                machine barely change: 201 blocks of 200 verifications, alternating checked and unchecked
                (and which goes first), after a warm-up. Median of the per-block ratios
                (unchecked CPU time / checked CPU time): **%.3f** (target ≥ 0.95: %s).
                """.formatted(cpuRatio, cpuRatio >= 0.95 ? "met" : "NOT met"));
        table.append(countTable).append("""

                Median ratio: **%.3f** (target ≥ 0.98: %s). By CPU time of the measuring thread, 201
                alternating blocks of 200 verifications as above (uncounted / counted): **%.3f** (target ≥ 0.98: %s).
                """.formatted(countMedian, countMedian >= 0.98 ? "met" : "NOT met", countCpuRatio,
                countCpuRatio >= 0.98 ? "met" : "NOT met"));
        Path out = Path.of("docs", "sdk-verification.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, table);
        System.out.println(table);
    }
}
