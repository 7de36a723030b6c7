import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.LongAdder;

/**
 * The ceiling for POST /oauth/token: building, signing and serializing the same JWT the server
 * mints (AccessTokenMinter: header typ at+jwt + kid, claims iss sub client_id aud org scope iat nbf
 * exp jti), in-process, with one thread per core and nothing else (no HTTP, no DB). The key and the
 * signer come from the server's own classes (dev.keymint.server.signing.SigningAlgorithm: its key
 * generation, nimbus' RSASSASigner / ECDSASigner, and its Ed25519Signer), so a change to how the
 * server signs shows here too.
 *
 * Usage: java -cp nimbus-jose-jwt-10.9.1.jar:auth-server/target/classes bench/SignOnly.java RS256|ES256|EdDSA WARMUP_S MEASURE_S [THREADS]
 * Prints one JSON line: {"alg":..,"signer":..,"threads":..,"tokens":..,"seconds":..,"tokens_per_s":..,"cpu_s":..,"cpu_ms_per_token":..}
 */
public class SignOnly {

    static final JOSEObjectType AT_JWT = new JOSEObjectType("at+jwt");
    static final Base64.Encoder JTI = Base64.getUrlEncoder().withoutPadding();

    public static void main(String[] args) throws Exception {
        String alg = args[0];
        long warmupNanos = (long) (Double.parseDouble(args[1]) * 1e9);
        long measureNanos = (long) (Double.parseDouble(args[2]) * 1e9);
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : Runtime.getRuntime().availableProcessors();

        ServerSigning signing = new ServerSigning(alg);
        JWSAlgorithm jwsAlg = JWSAlgorithm.parse(signing.key.getAlgorithm().getName());
        JWSSigner signer = signing.signer;
        String kid = signing.key.getKeyID();
        SecureRandom random = new SecureRandom();

        LongAdder counted = new LongAdder();
        long start = System.nanoTime();
        long measureFrom = start + warmupNanos;
        long end = measureFrom + measureNanos;
        CountDownLatch finished = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++) {
            Thread worker = new Thread(() -> {
                try {
                    long local = 0;
                    String sink = null;
                    while (true) {
                        long now = System.nanoTime();
                        if (now >= end) {
                            break;
                        }
                        sink = mint(jwsAlg, kid, signer, random);
                        if (now >= measureFrom) {
                            local++;
                        }
                    }
                    counted.add(local);
                    if (sink == null) {
                        System.err.print("");
                    }
                } catch (Exception e) {
                    e.printStackTrace();
                    System.exit(1);
                } finally {
                    finished.countDown();
                }
            });
            worker.start();
        }
        // Process CPU over the measured window: CPU per token does not depend on other load on the machine.
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        sleepUntil(measureFrom);
        long cpu0 = os.getProcessCpuTime();
        sleepUntil(end);
        long cpu1 = os.getProcessCpuTime();
        finished.await();
        double seconds = measureNanos / 1e9;
        long tokens = counted.sum();
        System.out.printf("{\"alg\":\"%s\",\"signer\":\"%s\",\"threads\":%d,\"tokens\":%d,\"seconds\":%.1f,\"tokens_per_s\":%.1f,"
                        + "\"cpu_s\":%.3f,\"cpu_ms_per_token\":%.4f}%n",
                alg, signer.getClass().getName(), threads, tokens, seconds, tokens / seconds, (cpu1 - cpu0) / 1e9,
                tokens > 0 ? (cpu1 - cpu0) / 1e6 / tokens : 0.0);
    }

    static void sleepUntil(long nanoTime) throws InterruptedException {
        long left;
        while ((left = nanoTime - System.nanoTime()) > 0) {
            Thread.sleep(Math.max(1, left / 1_000_000));
        }
    }

    /**
     * A key generated and a signer built by the server's package-private SigningAlgorithm, reached
     * by reflection: the benchmark runs beside the server's classes, not inside its package.
     */
    static final class ServerSigning {
        final JWK key;
        final JWSSigner signer;

        ServerSigning(String alg) throws Exception {
            Class<?> algorithms;
            try {
                algorithms = Class.forName("dev.keymint.server.signing.SigningAlgorithm");
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("put auth-server/target/classes on the class path (./mvnw -B -q package -DskipTests)", e);
            }
            Object algorithm = call(algorithms, "of", new Class<?>[] {String.class}, null, alg);
            key = (JWK) call(algorithms, "generate", new Class<?>[0], algorithm);
            signer = (JWSSigner) call(algorithms, "signer", new Class<?>[] {JWK.class}, algorithm, key);
        }

        private static Object call(Class<?> type, String name, Class<?>[] parameters, Object target, Object... args)
                throws Exception {
            Method method = type.getDeclaredMethod(name, parameters);
            method.setAccessible(true);
            try {
                return method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause() instanceof Exception cause ? cause : e;
            }
        }
    }

    static String mint(JWSAlgorithm alg, String kid, JWSSigner signer, SecureRandom random) throws Exception {
        Instant iat = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        byte[] jti = new byte[16];
        random.nextBytes(jti);
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer("http://127.0.0.1:18080")
                .subject("QTDupeMKTdr5OxJj")
                .claim("client_id", "QTDupeMKTdr5OxJj")
                .audience("keymint")
                .claim("org", "acme")
                .claim("scope", "*:*")
                .issueTime(Date.from(iat))
                .notBeforeTime(Date.from(iat))
                .expirationTime(Date.from(iat.plusSeconds(600)))
                .jwtID(JTI.encodeToString(jti))
                .build();
        JWSHeader header = new JWSHeader.Builder(alg).type(AT_JWT).keyID(kid).build();
        SignedJWT jwt = new SignedJWT(header, claims);
        jwt.sign(signer);
        return jwt.serialize();
    }
}
