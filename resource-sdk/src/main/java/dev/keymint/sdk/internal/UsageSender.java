package dev.keymint.sdk.internal;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Sends report batches to Keymint with the reporter's own access token, obtained with
 * {@code client_credentials} and refreshed ahead of expiry. Called only from the reporter's
 * thread. Not API.
 */
public final class UsageSender {

    /** The scope the report endpoint requires. */
    public static final String SCOPE = "admin:usage-reports/**";

    /** What became of a batch. */
    public enum Result {
        /** Booked now, or earlier ({@code duplicate: true}). */
        DELIVERED,
        /** Refused for good (a 4xx other than 401 and 429): sending it again cannot succeed. */
        REFUSED,
        /** Not delivered for now (network, 5xx, 429, no token): send it again later. */
        RETRY
    }

    /**
     * @param result     the outcome
     * @param retryAfter the server's {@code Retry-After}, or null
     * @param detail     a log line: status and the server's explanation, never a secret
     */
    public record Answer(Result result, Duration retryAfter, String detail) {
    }

    private final URI tokenEndpoint;
    private final URI reportEndpoint;
    private final String basicCredentials;
    private final Duration timeout;
    private final Clock clock;
    private String accessToken;
    private Instant refreshAt = Instant.MIN;

    /**
     * @param issuer   the Keymint issuer URL
     * @param clientId the resource server's own key id
     * @param secret   its secret
     * @param timeout  connect and read timeout of each request
     * @param clock    for token expiry
     */
    public UsageSender(String issuer, String clientId, String secret, Duration timeout, Clock clock) {
        String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
        this.tokenEndpoint = URI.create(base + "/oauth/token");
        this.reportEndpoint = URI.create(base + "/admin/v1/usage-reports");
        this.basicCredentials = TokenEndpoint.basic(clientId, secret);
        this.timeout = timeout;
        this.clock = clock;
    }

    /** POSTs one batch; on 401 gets a fresh token and tries once more. */
    public Answer send(String json) {
        try {
            if (accessToken == null || !clock.instant().isBefore(refreshAt)) {
                Answer failed = refreshToken();
                if (failed != null) {
                    return failed;
                }
            }
            TokenEndpoint.Response response = post(reportEndpoint, "application/json", json, "Bearer " + accessToken);
            if (response.status() == 401) {
                accessToken = null;
                Answer failed = refreshToken();
                if (failed != null) {
                    return failed;
                }
                response = post(reportEndpoint, "application/json", json, "Bearer " + accessToken);
            }
            int status = response.status();
            if (status >= 200 && status < 300) {
                return new Answer(Result.DELIVERED, null, "HTTP " + status + " " + response.body());
            }
            String detail = "POST " + reportEndpoint + " answered HTTP " + status + ": " + response.body();
            if (status == 401 || status == 429 || status >= 500 || status == 408) {
                if (status == 401) {
                    accessToken = null;
                }
                return new Answer(Result.RETRY, response.retryAfter(), detail);
            }
            return new Answer(Result.REFUSED, null, detail);
        } catch (IOException | RuntimeException e) {
            return new Answer(Result.RETRY, null, "POST " + reportEndpoint + " failed: " + e);
        }
    }

    /** @return null when a token was obtained, else why not */
    private Answer refreshToken() throws IOException {
        Instant now = clock.instant();
        TokenEndpoint.Response response = post(tokenEndpoint, "application/x-www-form-urlencoded",
                "grant_type=client_credentials&scope=" + form(SCOPE), basicCredentials);
        String detail = "the usage reporter's token request to " + tokenEndpoint + " answered HTTP " + response.status();
        if (response.status() != 200) {
            return new Answer(Result.RETRY, response.retryAfter(), detail + ": " + response.body());
        }
        Map<String, Object> body;
        try {
            body = JsonObjectReader.parseObject(response.body());
        } catch (IllegalArgumentException e) {
            return new Answer(Result.RETRY, null, detail + " with a body that is not JSON");
        }
        if (!(body.get("access_token") instanceof String token) || token.isEmpty()) {
            return new Answer(Result.RETRY, null, detail + " without an access_token");
        }
        long expiresIn = body.get("expires_in") instanceof Long seconds && seconds > 0 ? seconds : 60;
        accessToken = token;
        // refresh at 80 % of the lifetime, so a report never goes out with a token about to expire
        refreshAt = now.plusSeconds(Math.max(1, expiresIn * 4 / 5));
        return null;
    }

    private TokenEndpoint.Response post(URI uri, String contentType, String body, String authorization) throws IOException {
        return TokenEndpoint.post(uri, contentType, body, authorization, Map.of(), timeout);
    }

    private static String form(String value) {
        return TokenEndpoint.form(value);
    }
}
