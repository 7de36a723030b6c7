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
import dev.keymint.sdk.TokenVerifier;
import dev.keymint.sdk.VerifiedToken;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * RS256 verifications per second and thread: the full {@link TokenVerifier#verify} (parse,
 * cached key, signature, claims, scopes) against a bare nimbus {@link RSASSAVerifier#verify}
 * on the same token. Prints the ratio (target ≥ 0.85).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class VerifyBenchmark {

    private static final String ISSUER = "https://auth.example.com";

    private String token;
    private TokenVerifier verifier;
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
    }

    /** Everything a resource server does per request. */
    @Benchmark
    public VerifiedToken keymintVerify() {
        return verifier.verify(token);
    }

    /** Only the RSA signature check, with inputs prepared outside the loop. */
    @Benchmark
    public boolean nimbusRsaVerify() throws Exception {
        return bare.verify(header, signingInput, signature);
    }

    public static void main(String[] args) throws Exception {
        Options options = new OptionsBuilder()
                .include(VerifyBenchmark.class.getName() + "\\.")
                .forks(1).threads(1)
                .warmupIterations(3).warmupTime(TimeValue.seconds(3))
                .measurementIterations(5).measurementTime(TimeValue.seconds(3))
                .build();
        double keymint = 0;
        double nimbus = 0;
        for (RunResult result : new Runner(options).run()) {
            double score = result.getPrimaryResult().getScore();
            if (result.getParams().getBenchmark().endsWith("keymintVerify")) {
                keymint = score;
            } else {
                nimbus = score;
            }
        }
        System.out.printf("%nRS256 verifications/s per thread: TokenVerifier.verify %.0f, nimbus RSASSAVerifier.verify %.0f%n",
                keymint, nimbus);
        System.out.printf("ratio TokenVerifier / bare nimbus = %.3f (target >= 0.85)%n", keymint / nimbus);
    }
}
