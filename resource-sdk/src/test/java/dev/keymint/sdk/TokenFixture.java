package dev.keymint.sdk;

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
import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.Deflater;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Keys, a settable clock and a token builder for tests. */
public final class TokenFixture {

    public static final String ISSUER = "https://auth.example.com";
    public static final String AUDIENCE = "billing-api";
    public static final String ORG = "acme";
    public static final RSAKey KEY = rsa("k1");
    public static final RSAKey OTHER_KEY = rsa("k2");
    public static final RSAKey ATTACKER_KEY = rsa("attacker");
    public static final ECKey EC_KEY = ec("e1");
    public static final KeyPair ED_PAIR = ed();
    public static final OctetKeyPair ED_JWK = edJwk("d1", ED_PAIR);

    private TokenFixture() {
    }

    public static String jwks(JWK... keys) {
        List<JWK> pub = new ArrayList<>();
        for (JWK k : keys) {
            pub.add(k.toPublicJWK());
        }
        return new JWKSet(pub).toString();
    }

    public static TokenBuilder token(Clock clock) {
        return new TokenBuilder(clock.instant());
    }

    public static TokenBuilder token(Instant now) {
        return new TokenBuilder(now);
    }

    /** A valid Status List Token (JWT form) of {@code issuer} for {@code uri}, valid for an hour, ttl 10 s. */
    public static TokenBuilder statusListToken(Instant now, String issuer, String uri, int bits, int... values) {
        TokenBuilder builder = new TokenBuilder(now).header("typ", "statuslist+jwt");
        for (String accessTokenClaim : List.of("client_id", "aud", "org", "scope", "nbf", "jti")) {
            builder.claim(accessTokenClaim, null);
        }
        return builder.claim("iss", issuer).claim("sub", uri).claim("exp", now.getEpochSecond() + 3600).claim("ttl", 10)
                .claim("status_list", Map.of("bits", bits, "lst", lst(bits, values)));
    }

    /** @return the {@code lst} of a status list: entries packed LSB-first, ZLIB-compressed, base64url without padding */
    public static String lst(int bits, int... values) {
        byte[] packed = new byte[(values.length * bits + 7) / 8];
        for (int i = 0; i < values.length; i++) {
            packed[i * bits / 8] |= (byte) (values[i] << (i * bits % 8));
        }
        return zlib(packed);
    }

    /** @return base64url (no padding) of the ZLIB compression of {@code bytes} */
    public static String zlib(byte[] bytes) {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
        deflater.setInput(bytes);
        deflater.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        while (!deflater.finished()) {
            out.write(buffer, 0, deflater.deflate(buffer));
        }
        deflater.end();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(out.toByteArray());
    }

    /** @return a {@code status} claim naming entry {@code idx} of the list at {@code uri} */
    public static Map<String, Object> status(long idx, String uri) {
        return Map.of("status_list", Map.of("idx", idx, "uri", uri));
    }

    /** A clock tests move by hand. */
    public static final class MutableClock extends Clock {
        private final AtomicReference<Instant> now;

        public MutableClock(Instant start) {
            this.now = new AtomicReference<>(start);
        }

        public void advance(Duration d) {
            now.updateAndGet(i -> i.plus(d));
        }

        @Override
        public Instant instant() {
            return now.get();
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    /** Builds compact JWS tokens with default valid Keymint claims; each part can be changed. */
    public static final class TokenBuilder {
        private final Map<String, Object> header = new LinkedHashMap<>();
        private final Map<String, Object> claims = new LinkedHashMap<>();
        private JWK signingKey = KEY;
        private String hmacSecret;

        TokenBuilder(Instant now) {
            header.put("alg", "RS256");
            header.put("typ", "at+jwt");
            header.put("kid", "k1");
            claims.put("iss", ISSUER);
            claims.put("sub", "key_abc");
            claims.put("client_id", "key_abc");
            claims.put("aud", AUDIENCE);
            claims.put("org", ORG);
            claims.put("scope", "read:projects/42/** write:projects/42/invoices/*");
            claims.put("iat", now.getEpochSecond());
            claims.put("nbf", now.getEpochSecond());
            claims.put("exp", now.getEpochSecond() + 600);
            claims.put("jti", UUID.randomUUID().toString());
        }

        public TokenBuilder header(String name, Object value) {
            if (value == null) {
                header.remove(name);
            } else {
                header.put(name, value);
            }
            return this;
        }

        public TokenBuilder claim(String name, Object value) {
            if (value == null) {
                claims.remove(name);
            } else {
                claims.put(name, value);
            }
            return this;
        }

        public TokenBuilder kid(String kid) {
            return header("kid", kid);
        }

        public TokenBuilder signedWith(JWK key) {
            this.signingKey = key;
            if (key instanceof ECKey) {
                header.put("alg", "ES256");
            } else if (key instanceof OctetKeyPair) {
                header.put("alg", "EdDSA");
            }
            header.put("kid", key.getKeyID());
            return this;
        }

        TokenBuilder hmacWith(byte[] secret) {
            this.hmacSecret = Base64URL.encode(secret).toString();
            header.put("alg", "HS256");
            return this;
        }

        public String unsigned() {
            return part(header) + "." + part(claims);
        }

        public String build() {
            try {
                String input = unsigned();
                byte[] in = input.getBytes(StandardCharsets.US_ASCII);
                if ("none".equals(header.get("alg"))) {
                    return input + ".";
                }
                if (hmacSecret != null) {
                    Mac mac = Mac.getInstance("HmacSHA256");
                    mac.init(new SecretKeySpec(new Base64URL(hmacSecret).decode(), "HmacSHA256"));
                    return input + "." + Base64URL.encode(mac.doFinal(in));
                }
                if (signingKey instanceof RSAKey rsa) {
                    return input + "." + new RSASSASigner(rsa).sign(new JWSHeader(JWSAlgorithm.RS256), in);
                }
                if (signingKey instanceof ECKey ec) {
                    return input + "." + new ECDSASigner(ec).sign(new JWSHeader(JWSAlgorithm.ES256), in);
                }
                Signature s = Signature.getInstance("Ed25519");
                s.initSign(ED_PAIR.getPrivate());
                s.update(in);
                return input + "." + Base64URL.encode(s.sign());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        private static String part(Map<String, Object> json) {
            return Base64URL.encode(JSONObjectUtils.toJSONString(json).getBytes(StandardCharsets.UTF_8)).toString();
        }
    }

    private static RSAKey rsa(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).generate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static ECKey ec(String kid) {
        try {
            return new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair ed() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static OctetKeyPair edJwk(String kid, KeyPair pair) {
        byte[] spki = pair.getPublic().getEncoded();
        byte[] x = Arrays.copyOfRange(spki, spki.length - 32, spki.length);
        return new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(x)).keyID(kid).build();
    }
}
