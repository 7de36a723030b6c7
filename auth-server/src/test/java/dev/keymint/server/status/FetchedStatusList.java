package dev.keymint.server.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import dev.keymint.server.testsupport.TokenClient;
import dev.keymint.server.testsupport.TokenClient.Response;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Base64;
import java.util.Map;
import java.util.zip.Inflater;

/**
 * A Status List Token as a relying party reads it: fetched over HTTP, its signature checked against
 * the issuer's JWKS, and {@code lst} decoded with nothing but java.util.zip and Base64, following the
 * draft (entry i in byte i*bits/8, from the least significant bit), independently of the server's encoder.
 */
record FetchedStatusList(Response response, SignedJWT jwt, int bits, byte[] entries) {

    static Response get(String uri, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(uri)).GET();
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return TokenClient.send(request.build());
    }

    /** Fetches and checks the list at {@code uri}, served by the server at {@code baseUrl}. */
    static FetchedStatusList fetch(String baseUrl, String uri) {
        return fetch(baseUrl, uri, uri);
    }

    /** As above, from {@code url}, where the server's configured issuer makes the list's uri {@code uri}. */
    static FetchedStatusList fetch(String baseUrl, String url, String uri) {
        Response response = get(url, "Accept", "application/statuslist+jwt");
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.header("Content-Type")).isEqualTo("application/statuslist+jwt");
        try {
            SignedJWT jwt = SignedJWT.parse(response.body());
            assertThat(jwt.getHeader().getType().getType()).isEqualTo("statuslist+jwt");
            JWK key = JWKSet.parse(TokenClient.get(baseUrl + "/oauth/jwks").body()).getKeyByKeyId(jwt.getHeader().getKeyID());
            assertThat(key).as("the list's kid is in the JWKS").isNotNull();
            JWSVerifier verifier = new DefaultJWSVerifierFactory().createJWSVerifier(jwt.getHeader(),
                    key.getKeyType().getValue().equals("RSA") ? key.toRSAKey().toPublicKey()
                            : key.getKeyType().getValue().equals("EC") ? key.toECKey().toPublicKey() : null);
            assertThat(jwt.verify(verifier)).as("signature").isTrue();
            assertThat(jwt.getJWTClaimsSet().getSubject()).isEqualTo(uri);
            @SuppressWarnings("unchecked")
            Map<String, Object> statusList = (Map<String, Object>) jwt.getJWTClaimsSet().getClaim("status_list");
            int bits = ((Number) statusList.get("bits")).intValue();
            return new FetchedStatusList(response, jwt, bits, inflate(Base64.getUrlDecoder().decode((String) statusList.get("lst"))));
        } catch (Exception e) {
            throw new AssertionError("Not a valid Status List Token: " + response.body(), e);
        }
    }

    /** The status of entry {@code idx}, as the draft's decoding rule reads it. */
    int status(long idx) {
        long bit = idx * bits;
        return (entries[(int) (bit / 8)] >> (bit % 8)) & ((1 << bits) - 1);
    }

    private static byte[] inflate(byte[] zlib) throws Exception {
        Inflater inflater = new Inflater();
        inflater.setInput(zlib);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[64 * 1024];
        while (!inflater.finished()) {
            int n = inflater.inflate(buffer);
            if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                throw new AssertionError("truncated ZLIB data");
            }
            out.write(buffer, 0, n);
        }
        inflater.end();
        return out.toByteArray();
    }
}
