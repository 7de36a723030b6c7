package dev.keymint.server.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jwt.SignedJWT;
import dev.keymint.sdk.TokenRejectedException;
import dev.keymint.sdk.TokenVerifier;
import dev.keymint.server.organizations.OrganizationBootstrapper.BootstrappedOrganization;
import dev.keymint.server.testsupport.KeymintServer;
import dev.keymint.server.testsupport.TokenClient;
import java.net.URI;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

/**
 * Rotation with two instances on one database, with every window shrunk to seconds
 * (JWKS max-age 1 s, refresh 1 s, token TTL 4 s: pre-publication 2 s, retention 5 s).
 */
class SigningKeyRotationTest {

    private static final Duration WAIT_LIMIT = Duration.ofSeconds(30);

    private static KeymintServer.Builder fastRotation() {
        return KeymintServer.onFreshDatabase()
                .property("keymint.signing.jwks-max-age", "1s")
                .property("keymint.signing.refresh-interval", "1s")
                .property("keymint.signing.clock-skew", "0s")
                .property("keymint.signing.rotation-check-interval", "200ms")
                .property("keymint.tokens.ttl", "4s");
    }

    private static KeymintServer second(KeymintServer.Builder first) {
        KeymintServer.Builder builder = KeymintServer.onDatabase(first.jdbcUrl()).masterKey(first.masterKey());
        Map.of("keymint.signing.jwks-max-age", "1s", "keymint.signing.refresh-interval", "1s",
                "keymint.signing.clock-skew", "0s", "keymint.signing.rotation-check-interval", "200ms",
                "keymint.tokens.ttl", "4s").forEach(builder::property);
        return builder.start();
    }

    @Test
    void tokenSignedBeforeRotationVerifiesThroughoutAndNextKeyIsKnownBeforeItSigns() throws Exception {
        KeymintServer.Builder builder = fastRotation();
        try (KeymintServer a = builder.start(); KeymintServer b = second(builder)) {
            BootstrappedOrganization acme = a.bootstrap("acme", "read:*");
            TokenVerifier sdk = TokenVerifier.forIssuer(a.issuer())
                    .jwksUri(URI.create(b.baseUrl() + "/oauth/jwks"))
                    .cacheLifetime(Duration.ofSeconds(1), Duration.ofSeconds(1))
                    .minRefreshInterval(Duration.ofMillis(100))
                    .build();
            NimbusJwtDecoder spring = NimbusJwtDecoder.withJwkSetUri(b.baseUrl() + "/oauth/jwks").validateType(false).build();
            spring.setJwtValidator(JwtValidators.createAtJwtValidator().issuer(a.issuer()).audience("keymint").build());

            String before = token(a, acme);
            String oldKid = kid(before);
            sdk.verify(before);

            String newKid = a.bean(SigningKeyRotation.class).rotate();
            assertThat(newKid).isNotEqualTo(oldKid);
            assertThat(kid(token(a, acme))).as("a next key does not sign yet").isEqualTo(oldKid);

            // The first JWKS (from the other instance) that shows the new key, and when it was read.
            String earliestJwksWithNewKey = awaitValue(() -> {
                String jwks = jwks(b);
                return jwks.contains(newKid) ? jwks : null;
            }, "instance B publishes the next key");
            Instant publishedSeenAt = Instant.now();

            // Until the old token expires: it keeps verifying through both verifiers, and we watch
            // for the first token signed with the new key.
            Instant expiry = SignedJWT.parse(before).getJWTClaimsSet().getExpirationTime().toInstant();
            String firstNewToken = null;
            Instant firstNewTokenAt = null;
            while (Instant.now().isBefore(expiry.minusMillis(300)) || firstNewToken == null) {
                if (Instant.now().isBefore(expiry.minusMillis(300))) {
                    sdk.verify(before);
                    spring.decode(before);
                }
                String fresh = token(Instant.now().getNano() % 2 == 0 ? a : b, acme);
                if (firstNewToken == null && kid(fresh).equals(newKid)) {
                    firstNewToken = fresh;
                    firstNewTokenAt = Instant.now();
                }
                assertThat(Duration.between(publishedSeenAt, Instant.now())).as("new key starts signing")
                        .isLessThan(WAIT_LIMIT);
                Thread.sleep(50);
            }

            // The new key was visible on every instance at least one JWKS max-age (1 s) before its first
            // token (less our 100 ms polling lag), so a verifier holding a JWKS copy that old, never
            // refetching, verifies that token.
            assertThat(Duration.between(publishedSeenAt, firstNewTokenAt)).isGreaterThanOrEqualTo(Duration.ofMillis(800));
            // Either instance may have signed it, and without KEYMINT_ISSUER each names itself.
            String issuer = SignedJWT.parse(firstNewToken).getJWTClaimsSet().getIssuer();
            assertThat(issuer).isIn(a.issuer(), b.issuer());
            TokenVerifier cachedCopy = TokenVerifier.forIssuer(issuer).jwks(earliestJwksWithNewKey).build();
            assertThat(cachedCopy.verify(firstNewToken).clientId()).isEqualTo(acme.clientId());

            awaitValue(() -> kid(token(a, acme)).equals(newKid) && kid(token(b, acme)).equals(newKid) ? true : null,
                    "both instances sign with the new key");
            String after = token(a, acme);
            assertThat(sdk.verify(after).clientId()).isEqualTo(acme.clientId());
            assertThat(spring.decode(after).getSubject()).isEqualTo(acme.clientId());

            // Once every token of the old key has expired, the key leaves the JWKS.
            awaitValue(() -> !jwks(a).contains(oldKid) && !jwks(b).contains(oldKid) ? true : null, "retired key removed");
        }
    }

    @Test
    void twoInstancesRotatingAtTheSameMomentPublishOneNewKey() throws Exception {
        KeymintServer.Builder builder = KeymintServer.onFreshDatabase();
        try (KeymintServer a = builder.start(); KeymintServer b = builder.start()) {
            CountDownLatch go = new CountDownLatch(1);
            var pool = Executors.newFixedThreadPool(4);
            try {
                List<Callable<String>> rotations = new ArrayList<>();
                for (KeymintServer server : List.of(a, b, a, b)) {
                    rotations.add(() -> {
                        go.await();
                        return server.bean(SigningKeyRotation.class).rotate();
                    });
                }
                var futures = rotations.stream().map(pool::submit).toList();
                go.countDown();
                List<String> kids = new ArrayList<>();
                for (var future : futures) {
                    kids.add(future.get());
                }
                assertThat(kids).as("every caller sees the same next key").containsOnly(kids.get(0));
                assertThat(a.row("select count(*) as n from signing_keys where state = 'next'").get("n")).isEqualTo(1L);
                assertThat(a.row("select count(*) as n from signing_keys").get("n")).isEqualTo(2L);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void emergencyRotationRemovesTheCompromisedKeyAtOnce() {
        KeymintServer.Builder builder = KeymintServer.onFreshDatabase();
        try (KeymintServer a = builder.start()) {
            BootstrappedOrganization acme = a.bootstrap("acme", "read:*");
            String compromised = token(a, acme);
            TokenVerifier sdk = TokenVerifier.forIssuer(a.issuer()).minRefreshInterval(Duration.ofMillis(1)).build();
            sdk.verify(compromised);

            String replacement = a.bean(SigningKeyRotation.class).replaceCompromisedKey();

            assertThat(jwks(a)).doesNotContain(kid(compromised)).contains(replacement);
            String fresh = token(a, acme);
            assertThat(kid(fresh)).isEqualTo(replacement);
            assertThat(sdk.verify(fresh).clientId()).isEqualTo(acme.clientId());
            TokenVerifier newVerifier = TokenVerifier.forIssuer(a.issuer()).build();
            assertThatThrownBy(() -> newVerifier.verify(compromised)).isInstanceOf(TokenRejectedException.class);
        }
    }

    @Test
    void masterKeyRotationReencryptsEverySigningKeyWithoutChangingThem() {
        KeymintServer.Builder oldMaster = KeymintServer.onFreshDatabase();
        String jwks;
        byte[] ciphertextBefore;
        try (KeymintServer server = oldMaster.start()) {
            server.bean(SigningKeyRotation.class).rotate();
            jwks = jwks(server);
            ciphertextBefore = (byte[]) server.row("select private_key_ciphertext from signing_keys where state = 'current'")
                    .get("private_key_ciphertext");
        }
        String newMasterKey = KeymintServer.newMasterKey();

        try (KeymintServer during = KeymintServer.onDatabase(oldMaster.jdbcUrl()).masterKey(newMasterKey)
                .property("keymint.previous-master-keys", oldMaster.masterKey()).start()) {
            assertThat(jwks(during)).isEqualTo(jwks);
            assertThat((byte[]) during.row("select private_key_ciphertext from signing_keys where state = 'current'")
                    .get("private_key_ciphertext")).isNotEqualTo(ciphertextBefore);
        }
        try (KeymintServer after = KeymintServer.onDatabase(oldMaster.jdbcUrl()).masterKey(newMasterKey).start()) {
            assertThat(jwks(after)).isEqualTo(jwks);
        }
        assertThatThrownBy(() -> KeymintServer.onDatabase(oldMaster.jdbcUrl()).masterKey(oldMaster.masterKey()).start())
                .hasStackTraceContaining("is not the key these signing keys were encrypted with");
    }

    private static String token(KeymintServer server, BootstrappedOrganization org) {
        return new TokenClient(server.tokenEndpoint())
                .basic(org.clientId(), org.apiKey(), "grant_type", "client_credentials").accessToken();
    }

    private static String jwks(KeymintServer server) {
        return TokenClient.get(server.baseUrl() + "/oauth/jwks").body();
    }

    private static String kid(String token) {
        try {
            return SignedJWT.parse(token).getHeader().getKeyID();
        } catch (ParseException e) {
            throw new AssertionError(e);
        }
    }

    /** Polls until {@code probe} returns non-null, for at most {@link #WAIT_LIMIT}. */
    private static <T> T awaitValue(java.util.function.Supplier<T> probe, String what) {
        Instant deadline = Instant.now().plus(WAIT_LIMIT);
        T value;
        while ((value = probe.get()) == null) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("Timed out waiting until " + what);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        return value;
    }
}
