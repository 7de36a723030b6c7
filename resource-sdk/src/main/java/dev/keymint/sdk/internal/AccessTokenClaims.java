package dev.keymint.sdk.internal;

import static dev.keymint.sdk.internal.AccessTokenParser.malformed;

import dev.keymint.sdk.InvalidScopeException;
import dev.keymint.sdk.Scopes;
import dev.keymint.sdk.TokenRejectedException;
import dev.keymint.sdk.TokenRejectedException.Reason;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The second half of verifying an access token, on the claims of a token whose signature is
 * valid: {@code iss} exactly the issuer; {@code exp}, {@code iat} and {@code nbf} with the clock
 * skew; {@code aud} containing the configured audience; {@code org} equal to the configured
 * organization; {@code sub}, {@code client_id}, {@code jti} present; {@code scope}, if present,
 * valid {@link Scopes}. Thread-safe. Not API.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9068#section-4">RFC 9068 §4 Validating JWT Access Tokens</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7519#section-4.1">RFC 7519 §4.1 Registered Claim Names</a>
 */
public final class AccessTokenClaims {

    private static final int SCOPE_CACHE_SIZE = 1024;
    /** NumericDates at or beyond this (in seconds) are not times but garbage: year 3 million and later. */
    private static final double MAX_SECONDS = 1e14;
    private static final int MAX_REQUESTS_PER_MINUTE = 1_000_000;

    /**
     * Claims that passed every check.
     *
     * @param organization {@code org}, or null
     * @param team         {@code team}, or null
     * @param all          every claim, unmodifiable
     */
    public record Checked(String subject, String clientId, String organization, String team, List<String> audience,
                          Scopes scopes, Instant issuedAt, Instant expiresAt, String id, Map<String, Object> all) {
    }

    private final String issuer;
    /** Null when any audience is accepted. */
    private final String audience;
    /** Null when any organization is accepted. */
    private final String organization;
    private final Duration clockSkew;
    /** Scope claims repeat (one per API key), so parsed values are remembered. */
    private final ParseMemo<Scopes> scopeCache = new ParseMemo<>(SCOPE_CACHE_SIZE, Scopes::parse);

    /**
     * @param issuer       the exact {@code iss} required
     * @param audience     required in {@code aud}, or null
     * @param organization required as {@code org}, or null
     * @param clockSkew    tolerance for {@code exp}, {@code iat} and {@code nbf}
     */
    public AccessTokenClaims(String issuer, String audience, String organization, Duration clockSkew) {
        this.issuer = issuer;
        this.audience = audience;
        this.organization = organization;
        this.clockSkew = clockSkew;
    }

    /**
     * @param claims the token's payload
     * @param now    the current time
     * @return the checked claims
     * @throws TokenRejectedException naming the first check that failed
     */
    public Checked check(Map<String, Object> claims, Instant now) {
        if (!issuer.equals(claims.get("iss"))) {
            throw new TokenRejectedException(Reason.WRONG_ISSUER, "the token's issuer is not " + issuer);
        }
        Instant expiresAt = time(claims, "exp", true);
        if (!now.isBefore(expiresAt.plus(clockSkew))) {
            throw new TokenRejectedException(Reason.EXPIRED, "the token expired at " + expiresAt);
        }
        Instant issuedAt = time(claims, "iat", true);
        Instant notBefore = time(claims, "nbf", false);
        Instant latestStart = now.plus(clockSkew);
        if (issuedAt.isAfter(latestStart) || (notBefore != null && notBefore.isAfter(latestStart))) {
            throw new TokenRejectedException(Reason.NOT_YET_VALID, "the token is not valid yet");
        }
        List<String> aud = audience(claims.get("aud"));
        if (audience != null && !aud.contains(audience)) {
            throw new TokenRejectedException(Reason.WRONG_AUDIENCE, "the token is not meant for " + audience);
        }
        String org = optionalString(claims, "org");
        if (organization != null && !organization.equals(org)) {
            throw new TokenRejectedException(Reason.WRONG_ORGANIZATION, "the token belongs to another organization");
        }
        Scopes scopes = scopes(claims.get("scope"));
        String subject = requiredString(claims, "sub");
        String clientId = requiredString(claims, "client_id");
        String team = optionalString(claims, "team");
        String id = requiredString(claims, "jti");
        return new Checked(subject, clientId, org, team, aud, scopes, issuedAt, expiresAt, id, claims);
    }

    /**
     * @param claim the {@code api_requests_per_minute} claim
     * @return the limit, or 0 when the claim is absent
     * @throws TokenRejectedException {@link Reason#MALFORMED} unless an integer between 1 and 1,000,000
     */
    public static int requestsPerMinute(Object claim) {
        if (claim == null) {
            return 0;
        }
        if (!(claim instanceof Long limit) || limit < 1 || limit > MAX_REQUESTS_PER_MINUTE) {
            throw malformed("the token's api_requests_per_minute claim is not an integer between 1 and 1000000");
        }
        return limit.intValue();
    }

    private Scopes scopes(Object scope) {
        if (scope == null) {
            return Scopes.empty();
        }
        if (!(scope instanceof String s)) {
            throw malformed("the token's scope claim is not a string");
        }
        try {
            return scopeCache.get(s);
        } catch (InvalidScopeException e) {
            throw malformed("the token's scope claim is invalid: " + e.getMessage());
        }
    }

    private static Instant time(Map<String, Object> claims, String name, boolean required) {
        Object value = claims.get(name);
        if (value == null) {
            if (required) {
                throw malformed("the token has no " + name + " claim");
            }
            return null;
        }
        if (!(value instanceof Number n)) {
            throw malformed("the token's " + name + " claim is not a number");
        }
        double seconds = n.doubleValue();
        if (!(seconds >= 0 && seconds < MAX_SECONDS)) {
            throw malformed("the token's " + name + " claim is out of range");
        }
        return Instant.ofEpochSecond(n instanceof Long l ? l : (long) Math.floor(seconds));
    }

    private static List<String> audience(Object aud) {
        if (aud instanceof String s) {
            return List.of(s);
        }
        if (aud instanceof List<?> list && !list.isEmpty()) {
            List<String> out = new ArrayList<>(list.size());
            for (Object o : list) {
                if (!(o instanceof String s)) {
                    throw malformed("the token's aud claim is not a string or an array of strings");
                }
                out.add(s);
            }
            return Collections.unmodifiableList(out);
        }
        throw malformed("the token has no valid aud claim");
    }

    private static String requiredString(Map<String, Object> claims, String name) {
        Object value = claims.get(name);
        if (!(value instanceof String s) || s.isEmpty()) {
            throw malformed("the token has no " + name + " claim");
        }
        return s;
    }

    private static String optionalString(Map<String, Object> claims, String name) {
        Object value = claims.get(name);
        if (value != null && !(value instanceof String)) {
            throw malformed("the token's " + name + " claim is not a string");
        }
        return (String) value;
    }
}
