package dev.keymint.server.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keymint.sdk.TokenVerifier;
import dev.keymint.server.organizations.OrganizationBootstrapper.BootstrappedOrganization;
import dev.keymint.server.testsupport.KeymintServer;
import dev.keymint.server.testsupport.TokenClient;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Signing keys live in PostgreSQL, encrypted under the master key: a restart keeps them, every
 * instance on one database signs with the same key, and a wrong master key stops the server
 * without touching the database.
 */
class SharedSigningKeysTest {

    @Test
    void restartKeepsKeysAndSigningKey() {
        KeymintServer.Builder builder = KeymintServer.onFreshDatabase();
        BootstrappedOrganization acme;
        String tokenBeforeRestart;
        String jwksBeforeRestart;
        try (KeymintServer first = builder.start()) {
            acme = first.bootstrap("acme", "read:*");
            tokenBeforeRestart = token(first, acme);
            jwksBeforeRestart = TokenClient.get(first.baseUrl() + "/oauth/jwks").body();
        }

        try (KeymintServer restarted = builder.start()) {
            assertThat(TokenClient.get(restarted.baseUrl() + "/oauth/jwks").body()).isEqualTo(jwksBeforeRestart);
            String tokenAfterRestart = token(restarted, acme);
            TokenVerifier verifier = TokenVerifier.forIssuer(restarted.issuer()).build();
            assertThat(verifier.verify(tokenAfterRestart).clientId()).isEqualTo(acme.clientId());
            // Same issuer host and port differ across restarts here, so check the old token's key directly.
            assertThat(kid(tokenBeforeRestart)).isEqualTo(kid(tokenAfterRestart));
        }
    }

    @Test
    void twoServersOnOneDatabaseIssueTokensThatVerifyAgainstEitherJwks() {
        KeymintServer.Builder builder = KeymintServer.onFreshDatabase();
        try (KeymintServer a = builder.start(); KeymintServer b = builder.start()) {
            BootstrappedOrganization acme = a.bootstrap("acme", "read:*");

            String jwksA = TokenClient.get(a.baseUrl() + "/oauth/jwks").body();
            String jwksB = TokenClient.get(b.baseUrl() + "/oauth/jwks").body();
            assertThat(jwksA).isEqualTo(jwksB);

            String fromA = token(a, acme);
            String fromB = token(b, acme);
            for (String token : List.of(fromA, fromB)) {
                for (KeymintServer verifierSource : List.of(a, b)) {
                    TokenVerifier verifier = TokenVerifier.forIssuer(issuerOf(token))
                            .jwksUri(java.net.URI.create(verifierSource.baseUrl() + "/oauth/jwks"))
                            .build();
                    assertThat(verifier.verify(token).organization()).isEqualTo("acme");
                }
            }
        }
    }

    @Test
    void serversStartingTogetherOnAnEmptyDatabaseCreateExactlyOneSigningKey() throws Exception {
        KeymintServer.Builder builder = KeymintServer.onFreshDatabase();
        // Let Flyway create the schema first so that both race on key generation, not on migration.
        builder.start().close();
        builder.start().jdbc().sql("delete from signing_keys").update();

        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var a = pool.submit(builder::start);
            var b = pool.submit(builder::start);
            try (KeymintServer first = a.get(); KeymintServer second = b.get()) {
                assertThat(first.row("select count(*) as n from signing_keys").get("n")).isEqualTo(1L);
                assertThat(TokenClient.get(first.baseUrl() + "/oauth/jwks").body())
                        .isEqualTo(TokenClient.get(second.baseUrl() + "/oauth/jwks").body());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void wrongMasterKeyRefusesToStartAndChangesNothing() {
        KeymintServer.Builder builder = KeymintServer.onFreshDatabase();
        Map<String, Object> keyBefore;
        try (KeymintServer server = builder.start()) {
            keyBefore = server.row("select kid, private_key_ciphertext, state from signing_keys");
        }

        assertThatThrownBy(() -> KeymintServer.onDatabase(builder.jdbcUrl()).masterKey(KeymintServer.newMasterKey()).start())
                .hasStackTraceContaining("KEYMINT_MASTER_KEY is not the key these signing keys were encrypted with");

        try (KeymintServer server = builder.start()) {
            assertThat(server.row("select count(*) as n from signing_keys").get("n")).isEqualTo(1L);
            Map<String, Object> keyAfter = server.row("select kid, private_key_ciphertext, state from signing_keys");
            assertThat(keyAfter.get("kid")).isEqualTo(keyBefore.get("kid"));
            assertThat((byte[]) keyAfter.get("private_key_ciphertext")).isEqualTo(keyBefore.get("private_key_ciphertext"));
        }
    }

    @Test
    void malformedMasterKeyRefusesToStartWithAClearMessage() {
        assertThatThrownBy(() -> KeymintServer.onFreshDatabase().masterKey("c2hvcnQ=").start())
                .hasStackTraceContaining("must be 32 bytes");
    }

    @Test
    void privateKeyIsNotStoredInClear() {
        try (KeymintServer server = KeymintServer.onFreshDatabase().start()) {
            Map<String, Object> row = server.row("select public_jwk, private_key_ciphertext from signing_keys");
            String ciphertext = new String((byte[]) row.get("private_key_ciphertext"), java.nio.charset.StandardCharsets.ISO_8859_1);
            assertThat(ciphertext).doesNotContain("\"d\"").doesNotContain("\"p\"").doesNotContain("RSA");
            assertThat((String) row.get("public_jwk")).doesNotContain("\"d\"");
        }
    }

    private static String token(KeymintServer server, BootstrappedOrganization org) {
        return new TokenClient(server.tokenEndpoint())
                .basic(org.clientId(), org.apiKey(), "grant_type", "client_credentials").accessToken();
    }

    private static String kid(String token) {
        try {
            return com.nimbusds.jwt.SignedJWT.parse(token).getHeader().getKeyID();
        } catch (java.text.ParseException e) {
            throw new AssertionError(e);
        }
    }

    private static String issuerOf(String token) {
        try {
            return com.nimbusds.jwt.SignedJWT.parse(token).getJWTClaimsSet().getIssuer();
        } catch (java.text.ParseException e) {
            throw new AssertionError(e);
        }
    }
}
