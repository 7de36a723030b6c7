import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.util.Base64URL;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.util.Set;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.LongAdder;

/**
 * The ceiling for POST /oauth/token: building, signing and serializing the same JWT the server
 * mints (AccessTokenMinter: header typ at+jwt + kid, claims iss sub client_id aud org scope iat nbf
 * exp jti), in-process, with one thread per core and nothing else (no HTTP, no DB).
 *
 * Usage: java -cp nimbus-jose-jwt-10.9.1.jar bench/SignOnly.java RS256|ES256|EdDSA WARMUP_S MEASURE_S [THREADS]
 * Prints one JSON line: {"alg":..,"threads":..,"tokens":..,"seconds":..,"tokens_per_s":..,"cpu_s":..,"cpu_ms_per_token":..}
 */
public class SignOnly {

    static final JOSEObjectType AT_JWT = new JOSEObjectType("at+jwt");
    static final Base64.Encoder JTI = Base64.getUrlEncoder().withoutPadding();

    public static void main(String[] args) throws Exception {
        String alg = args[0];
        long warmupNanos = (long) (Double.parseDouble(args[1]) * 1e9);
        long measureNanos = (long) (Double.parseDouble(args[2]) * 1e9);
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : Runtime.getRuntime().availableProcessors();

        JWSAlgorithm jwsAlg;
        JWSSigner signer;
        String kid;
        if (alg.equals("RS256")) {
            RSAKey key = new RSAKeyGenerator(2048).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256)
                    .keyIDFromThumbprint(true).generate();
            jwsAlg = JWSAlgorithm.RS256;
            signer = new RSASSASigner(key);
            kid = key.getKeyID();
        } else if (alg.equals("ES256")) {
            ECKey key = new ECKeyGenerator(Curve.P_256).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.ES256)
                    .keyIDFromThumbprint(true).generate();
            jwsAlg = JWSAlgorithm.ES256;
            signer = new ECDSASigner(key);
            kid = key.getKeyID();
        } else if (alg.equals("EdDSA")) {
            jwsAlg = JWSAlgorithm.EdDSA;
            signer = jdkEd25519(KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPrivate());
            kid = "ed25519-bench";
        } else {
            throw new IllegalArgumentException("alg must be RS256, ES256 or EdDSA");
        }
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
        System.out.printf("{\"alg\":\"%s\",\"threads\":%d,\"tokens\":%d,\"seconds\":%.1f,\"tokens_per_s\":%.1f,"
                        + "\"cpu_s\":%.3f,\"cpu_ms_per_token\":%.4f}%n",
                alg, threads, tokens, seconds, tokens / seconds, (cpu1 - cpu0) / 1e9,
                tokens > 0 ? (cpu1 - cpu0) / 1e6 / tokens : 0.0);
    }

    static void sleepUntil(long nanoTime) throws InterruptedException {
        long left;
        while ((left = nanoTime - System.nanoTime()) > 0) {
            Thread.sleep(Math.max(1, left / 1_000_000));
        }
    }

    /** As the server signs EdDSA (its Ed25519Signer): the JDK's Ed25519, since nimbus's signer needs Tink. */
    static JWSSigner jdkEd25519(PrivateKey privateKey) {
        JCAContext jca = new JCAContext();
        return new JWSSigner() {
            @Override
            public Base64URL sign(JWSHeader header, byte[] signingInput) throws JOSEException {
                try {
                    Signature signature = Signature.getInstance("Ed25519");
                    signature.initSign(privateKey);
                    signature.update(signingInput);
                    return Base64URL.encode(signature.sign());
                } catch (GeneralSecurityException e) {
                    throw new JOSEException("Ed25519 signing failed", e);
                }
            }

            @Override
            public Set<JWSAlgorithm> supportedJWSAlgorithms() {
                return Set.of(JWSAlgorithm.EdDSA);
            }

            @Override
            public JCAContext getJCAContext() {
                return jca;
            }
        };
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
