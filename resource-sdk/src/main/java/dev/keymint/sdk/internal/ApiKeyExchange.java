package dev.keymint.sdk.internal;

import dev.keymint.sdk.TokenRejectedException;
import dev.keymint.sdk.TokenRejectedException.Reason;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * Turns an API key sent as a Bearer token into an access token of the same key, which the verifier
 * then checks like any other (signature, status list, scopes). Thread-safe. Not API.
 *
 * <p>Why: a platform moving to Keymint keeps its callers' API keys working, while the resource
 * server keeps verifying offline. The key is exchanged at the token endpoint
 * ({@code client_credentials}, {@code client_secret_basic}) once; the token is kept until shortly
 * before it expires. Concurrent requests with the same uncached key wait for one exchange. When the
 * verifier requires an audience that is a URI, the exchange names it as {@code resource} (RFC 8707),
 * so that the key's token is addressed to this resource server.
 *
 * <p>The cache key is SHA-256 of the API key <em>and the caller's address</em>, never the key: a key
 * with allowed CIDRs gets a token only for a caller inside them (the address travels in
 * {@code Forwarded: for=…}, RFC 7239, which Keymint believes only from a trusted proxy), so a token
 * minted for caller A must not serve caller B. Keying every entry on the address costs one exchange
 * per (key, address) per token lifetime and needs no knowledge of the key's settings. The cache
 * holds at most {@code maxEntries}; a full cache drops expired entries, then arbitrary ones.
 *
 * <p>Never logs the key, and no exception message contains it.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-4.4">RFC 6749 §4.4</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7239#section-5.2">RFC 7239 §5.2 "for"</a>
 */
public final class ApiKeyExchange {

    /** What a caller address may look like to be forwarded: an IPv4 or IPv6 literal, nothing to inject. */
    private static final Pattern ADDRESS = Pattern.compile("[0-9A-Fa-f:.]{2,45}");
    /** The longest a refusal's explanation is passed on. */
    private static final int MAX_DESCRIPTION = 200;

    /**
     * @param tokenEndpoint Keymint's token endpoint
     * @param timeout       connect and read timeout of an exchange
     * @param clock         for token lifetimes
     * @param maxEntries    most tokens kept
     * @param audience      the verifier's audience, or null: sent as {@code resource} (RFC 8707) when it
     *                      is an absolute URI without fragment, so the token is for this server
     */
    public record Settings(URI tokenEndpoint, Duration timeout, Clock clock, int maxEntries, String audience) {

        public Settings(URI tokenEndpoint, Duration timeout, Clock clock, int maxEntries) {
            this(tokenEndpoint, timeout, clock, maxEntries, null);
        }
    }

    private record Exchanged(String accessToken, Instant renewAt) {
    }

    private final Settings settings;
    /** The token request's form, with {@code resource} when the audience is a resource indicator. */
    private final String form;
    private final ConcurrentHashMap<String, CompletableFuture<Exchanged>> tokens = new ConcurrentHashMap<>();
    private final AtomicLong exchanges = new AtomicLong();

    public ApiKeyExchange(Settings settings) {
        this.settings = settings;
        this.form = "grant_type=client_credentials" + (isResourceIndicator(settings.audience())
                ? "&resource=" + TokenEndpoint.form(settings.audience()) : "");
    }

    /**
     * Why only then: Keymint refuses a {@code resource} that is not an absolute URI
     * ({@code invalid_target}); an audience such as {@code billing-api} can only be the server's
     * default audience, which a token request without {@code resource} gets.
     */
    private static boolean isResourceIndicator(String audience) {
        if (audience == null) {
            return false;
        }
        try {
            URI uri = new URI(audience);
            return uri.isAbsolute() && uri.getRawFragment() == null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /**
     * @param apiKey        the bearer value, starting with {@code kmk_}
     * @param callerAddress the original caller's IP address, or null when unknown
     * @return an access token of the key, to be verified as usual
     * @throws TokenRejectedException {@link Reason#MALFORMED} for a key of the wrong shape (no network),
     *                                {@link Reason#API_KEY_REFUSED} with the token endpoint's reason,
     *                                {@link Reason#TOKEN_ENDPOINT_UNAVAILABLE} when it cannot be reached
     */
    public String accessToken(String apiKey, String callerAddress) {
        String clientId = ApiKeyShape.clientId(apiKey);
        if (clientId == null) {
            throw new TokenRejectedException(Reason.MALFORMED, "the API key is not well-formed");
        }
        String address = callerAddress != null && ADDRESS.matcher(callerAddress).matches() ? callerAddress : null;
        String cacheKey = digest(apiKey, address);
        while (true) {
            CompletableFuture<Exchanged> mine = new CompletableFuture<>();
            CompletableFuture<Exchanged> held = tokens.putIfAbsent(cacheKey, mine);
            if (held == null) {
                makeRoom();
                return exchange(mine, cacheKey, clientId, apiKey, address).accessToken();
            }
            Exchanged exchanged;
            try {
                exchanged = held.join(); // bounded by the exchanging thread's timeouts
            } catch (CompletionException e) {
                throw e.getCause() instanceof TokenRejectedException rejected ? rejected : e;
            }
            if (settings.clock().instant().isBefore(exchanged.renewAt())) {
                return exchanged.accessToken();
            }
            tokens.remove(cacheKey, held); // about to expire: one caller exchanges again
        }
    }

    /** @return how many exchanges were attempted, e.g. for a gauge */
    public long exchangeCount() {
        return exchanges.get();
    }

    private Exchanged exchange(CompletableFuture<Exchanged> mine, String cacheKey, String clientId, String apiKey,
                               String address) {
        try {
            Exchanged exchanged = request(clientId, apiKey, address);
            mine.complete(exchanged);
            return exchanged;
        } catch (RuntimeException e) {
            tokens.remove(cacheKey, mine); // failures are not kept: the next request asks again
            mine.completeExceptionally(e);
            throw e;
        }
    }

    private Exchanged request(String clientId, String apiKey, String address) {
        exchanges.incrementAndGet();
        Instant now = settings.clock().instant();
        TokenEndpoint.Response response;
        try {
            response = TokenEndpoint.post(settings.tokenEndpoint(), "application/x-www-form-urlencoded",
                    form, TokenEndpoint.basic(clientId, apiKey),
                    Map.of("Forwarded", forwarded(address)), settings.timeout());
        } catch (IOException | RuntimeException e) {
            throw unavailable("the token endpoint could not be reached", e);
        }
        Map<String, Object> body;
        try {
            body = JsonObjectReader.parseObject(response.body());
        } catch (IllegalArgumentException e) {
            body = Map.of();
        }
        int status = response.status();
        if (status == 200 && body.get("access_token") instanceof String token && !token.isEmpty()) {
            long expiresIn = body.get("expires_in") instanceof Long seconds && seconds > 0 ? seconds : 60;
            // renew shortly before expiry: at 90 % of the lifetime, at most a minute early
            return new Exchanged(token, now.plusSeconds(expiresIn - Math.min(60, expiresIn / 10)));
        }
        if (status >= 400 && status < 500 && body.get("error") instanceof String error) {
            throw new TokenRejectedException(Reason.API_KEY_REFUSED, "the API key was refused: "
                    + printable(error) + explanation(body.get("error_description"), apiKey));
        }
        throw unavailable("the token endpoint answered HTTP " + status, null);
    }

    private static TokenRejectedException unavailable(String description, Throwable cause) {
        return new TokenRejectedException(Reason.TOKEN_ENDPOINT_UNAVAILABLE, description, cause);
    }

    /** RFC 7239 §6: IPv6 in brackets and quotes; {@code unknown} when the caller's address is not known. */
    private static String forwarded(String address) {
        if (address == null) {
            return "for=unknown";
        }
        return address.indexOf(':') >= 0 ? "for=\"[" + address + "]\"" : "for=" + address;
    }

    /** The server's explanation, shortened and printable; dropped should it ever echo the key. */
    private static String explanation(Object description, String apiKey) {
        if (!(description instanceof String text) || text.isBlank() || text.contains(apiKey.substring(ApiKeyShape.PREFIX.length()))) {
            return "";
        }
        String shown = printable(text);
        return " (" + (shown.length() > MAX_DESCRIPTION ? shown.substring(0, MAX_DESCRIPTION) + "..." : shown) + ")";
    }

    private static String printable(String text) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_DESCRIPTION + 1));
        for (int i = 0; i < text.length() && out.length() <= MAX_DESCRIPTION; i++) {
            char c = text.charAt(i);
            out.append(c >= 0x20 && c <= 0x7e ? c : '?');
        }
        return out.toString();
    }

    /** Keeps the cache within {@code maxEntries}: expired or failed entries first, then any. */
    private void makeRoom() {
        if (tokens.size() <= settings.maxEntries()) {
            return;
        }
        Instant now = settings.clock().instant();
        tokens.values().removeIf(f -> f.isDone() && (f.isCompletedExceptionally() || !now.isBefore(f.join().renewAt())));
        Iterator<CompletableFuture<Exchanged>> any = tokens.values().iterator();
        while (tokens.size() > settings.maxEntries() && any.hasNext()) {
            any.next();
            any.remove();
        }
    }

    private static String digest(String apiKey, String address) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(apiKey.getBytes(StandardCharsets.US_ASCII));
            sha256.update((byte) '\n');
            sha256.update((address == null ? "unknown" : address).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(sha256.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime has SHA-256", e);
        }
    }
}
