package dev.keymint.sdk.bench;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.keymint.sdk.SignatureAlgorithm;
import dev.keymint.sdk.TokenVerifier;
import dev.keymint.sdk.VerifiedToken;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Cost of signing a Keymint access token and of verifying it with the SDK, per algorithm, one
 * thread. Signing is done as the server does it (nimbus signers for RS256/ES256, the JDK's
 * Ed25519 for EdDSA). Writes {@code docs/signing-algorithms.md}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class AlgorithmCostBenchmark {

    private static final String ISSUER = "https://auth.example.com";

    @Param({"RS256", "ES256", "EdDSA"})
    public String algorithm;

    private Signer signer;
    private JWSHeader header;
    private byte[] signingInput;
    private String token;
    private TokenVerifier verifier;

    @FunctionalInterface
    interface Signer {
        Base64URL sign(JWSHeader header, byte[] input) throws Exception;
    }

    @Setup
    public void setUp() throws Exception {
        JWK publicKey;
        switch (algorithm) {
            case "RS256" -> {
                RSAKey key = new RSAKeyGenerator(2048).keyID("k1").generate();
                RSASSASigner rsa = new RSASSASigner(key);
                signer = rsa::sign;
                publicKey = key.toPublicJWK();
            }
            case "ES256" -> {
                ECKey key = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
                ECDSASigner ec = new ECDSASigner(key);
                signer = ec::sign;
                publicKey = key.toPublicJWK();
            }
            default -> {
                KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
                byte[] encoded = pair.getPublic().getEncoded();
                byte[] x = Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length);
                PrivateKey privateKey = pair.getPrivate();
                signer = (h, input) -> {
                    Signature signature = Signature.getInstance("Ed25519");
                    signature.initSign(privateKey);
                    signature.update(input);
                    return Base64URL.encode(signature.sign());
                };
                publicKey = new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(x)).keyID("k1").build();
            }
        }
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(ISSUER).subject("key_abc").claim("client_id", "key_abc")
                .audience("keymint").claim("org", "acme").claim("scope", "read:projects/42/** write:projects/42/invoices/*")
                .issueTime(Date.from(now)).notBeforeTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(86_400)))
                .jwtID(UUID.randomUUID().toString()).build();
        header = new JWSHeader.Builder(JWSAlgorithm.parse(algorithm)).type(new JOSEObjectType("at+jwt")).keyID("k1").build();
        String signingText = header.toBase64URL() + "." + Base64URL.encode(claims.toString());
        signingInput = signingText.getBytes(StandardCharsets.US_ASCII);
        token = signingText + "." + signer.sign(header, signingInput);
        verifier = TokenVerifier.forIssuer(ISSUER).jwks(new JWKSet(List.of(publicKey)).toString())
                .algorithms(SignatureAlgorithm.valueOf(algorithm)).build();
        verifier.verify(token);
    }

    @Benchmark
    public Base64URL sign() throws Exception {
        return signer.sign(header, signingInput);
    }

    @Benchmark
    public VerifiedToken verify() {
        return verifier.verify(token);
    }

    public static void main(String[] args) throws Exception {
        Options options = new OptionsBuilder()
                .include(AlgorithmCostBenchmark.class.getName() + "\\.")
                .forks(1).threads(1)
                .warmupIterations(4).warmupTime(TimeValue.seconds(3))
                .measurementIterations(3).measurementTime(TimeValue.seconds(2))
                .build();
        StringBuilder table = new StringBuilder("""
                # Signing algorithms: cost per token

                Generated by `resource-sdk/bench.sh algorithms` (JMH, one thread, average time per operation)
                on %s. Do not edit by hand: rerun the command.

                | algorithm | sign (µs) | ± | verify with resource-sdk (µs) | ± | verifications per signature |
                |---|---|---|---|---|---|
                """.formatted(MachineFacts.describe()));
        var results = new Runner(options).run();
        for (String alg : List.of("RS256", "ES256", "EdDSA")) {
            var sign = result(results, "sign", alg);
            var verify = result(results, "verify", alg);
            table.append("| %s | %.1f | %.1f | %.1f | %.1f | %.1f |%n".formatted(alg, sign.getScore(), sign.getScoreError(),
                    verify.getScore(), verify.getScoreError(), sign.getScore() / verify.getScore()));
        }
        table.append("""

                ± is JMH's 99.9% error over the measured iterations: when it is large the machine was busy,
                so rerun before drawing conclusions. Signing cost bounds the token endpoint (one signature
                per token); verification cost is paid by every resource server per request.
                """);
        Path out = Path.of("docs", "signing-algorithms.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, table);
        System.out.println(table);
    }

    private static org.openjdk.jmh.results.Result<?> result(java.util.Collection<RunResult> results, String method, String alg) {
        return results.stream()
                .filter(r -> r.getParams().getBenchmark().endsWith("." + method) && alg.equals(r.getParams().getParam("algorithm")))
                .findFirst().orElseThrow().getPrimaryResult();
    }
}
