package dev.keymint.sdk.servlet;

import dev.keymint.sdk.InsufficientScopeException;
import dev.keymint.sdk.RateLimitedException;
import dev.keymint.sdk.Scope;
import dev.keymint.sdk.TokenRejectedException;
import dev.keymint.sdk.TokenVerifier;
import dev.keymint.sdk.VerifiedToken;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Enumeration;
import java.util.Objects;
import java.util.Optional;

/**
 * A servlet filter that admits only requests carrying a valid Keymint access token.
 *
 * <ul>
 *   <li>No {@code Authorization: Bearer} header: {@code 401} with {@code WWW-Authenticate: Bearer}
 *       and no error code (RFC 6750 §3.1).</li>
 *   <li>Rejected token: {@code 401}, {@code WWW-Authenticate: Bearer error="invalid_token",
 *       error_description="…"} (e.g. {@code the token has been revoked}, {@code the token is
 *       suspended}). Keys or status list unavailable: {@code 503}.</li>
 *   <li>With {@link #requiring(TokenVerifier, Scope)}: a token lacking the scope gets {@code 403},
 *       {@code error="insufficient_scope", scope="…"}.</li>
 *   <li>The token's key exceeded its {@code api_requests_per_minute}: {@code 429} with
 *       {@code Retry-After} (seconds) and {@code {"error":"rate_limited","error_description":"…"}}.</li>
 *   <li>With a verifier built with {@code apiKeys(true)}, a Keymint API key as Bearer token is
 *       exchanged for a token first; the request's {@code getRemoteAddr()} is sent as the caller's
 *       address (behind a proxy of your own, let the container resolve it, e.g. Tomcat's
 *       {@code RemoteIpValve}). A refused key gets {@code 401} with the token endpoint's reason, an
 *       unreachable token endpoint {@code 503}.</li>
 *   <li>Otherwise the {@link VerifiedToken} is stored in the request attribute
 *       {@link #ATTRIBUTE} (read it with {@link #token(ServletRequest)}) and the chain continues.</li>
 * </ul>
 * Responses carry {@code Cache-Control: no-store}. Thread-safe.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6750#section-3">RFC 6750 §3 The WWW-Authenticate Response Header Field</a>
 */
public final class BearerTokenFilter implements Filter {

    /** Request attribute holding the {@link VerifiedToken}. */
    public static final String ATTRIBUTE = VerifiedToken.class.getName();

    private final TokenVerifier verifier;
    private final Scope required;

    private BearerTokenFilter(TokenVerifier verifier, Scope required) {
        this.verifier = Objects.requireNonNull(verifier, "verifier cannot be null");
        this.required = required;
    }

    /**
     * @param verifier the verifier
     * @return a filter that requires a valid token
     */
    public static BearerTokenFilter of(TokenVerifier verifier) {
        return new BearerTokenFilter(verifier, null);
    }

    /**
     * @param verifier the verifier
     * @param required a scope every request must be granted, e.g. {@code Scope.parse("read:projects/**")}
     * @return a filter that requires a valid token with that scope
     */
    public static BearerTokenFilter requiring(TokenVerifier verifier, Scope required) {
        return new BearerTokenFilter(verifier, Objects.requireNonNull(required, "required cannot be null"));
    }

    /**
     * @param request a request that passed this filter
     * @return its verified token, empty if the filter did not run
     */
    public static Optional<VerifiedToken> token(ServletRequest request) {
        Objects.requireNonNull(request, "request cannot be null");
        return Optional.ofNullable((VerifiedToken) request.getAttribute(ATTRIBUTE));
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        String token = bearer(request);
        if (token == null) {
            challenge(response, 401, "Bearer");
            return;
        }
        VerifiedToken verified;
        try {
            verified = verifier.verify(token, request.getRemoteAddr()); // the caller, for an API key's allowed CIDRs
            if (required != null) {
                verified.require(required);
            }
        } catch (TokenRejectedException e) {
            if (e.isServerFailure()) {
                response.setHeader("Cache-Control", "no-store");
                response.sendError(503);
            } else {
                challenge(response, 401, "Bearer error=\"invalid_token\", error_description=\"" + quoted(e.getMessage()) + "\"");
            }
            return;
        } catch (RateLimitedException e) {
            rateLimited(response, e);
            return;
        } catch (InsufficientScopeException e) {
            challenge(response, 403, "Bearer error=\"insufficient_scope\", error_description=\"" + quoted(e.getMessage())
                    + "\", scope=\"" + quoted(e.required().toString()) + "\"");
            return;
        }
        request.setAttribute(ATTRIBUTE, verified);
        chain.doFilter(request, response);
    }

    /** @return the token of the single {@code Bearer} Authorization header, or null when there is none */
    private static String bearer(HttpServletRequest request) {
        Enumeration<String> headers = request.getHeaders("Authorization");
        if (headers == null || !headers.hasMoreElements()) {
            return null;
        }
        String value = headers.nextElement();
        if (headers.hasMoreElements()) {
            return ""; // several Authorization headers: treated as a malformed token
        }
        if (value == null || value.length() < 6 || !value.regionMatches(true, 0, "Bearer", 0, 6)) {
            return null; // another scheme: for us, no bearer token
        }
        return value;
    }

    private static void challenge(HttpServletResponse response, int status, String header) throws IOException {
        response.setStatus(status);
        response.setHeader("WWW-Authenticate", header);
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(0);
        response.flushBuffer();
    }

    /** The body is OAuth-style error JSON; the description is our own text (no quotes or control characters). */
    private static void rateLimited(HttpServletResponse response, RateLimitedException e) throws IOException {
        byte[] body = ("{\"error\":\"" + e.error() + "\",\"error_description\":\"" + quoted(e.getMessage()) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        response.setStatus(429);
        response.setHeader("Retry-After", Integer.toString(e.retryAfterSeconds()));
        response.setHeader("Cache-Control", "no-store");
        response.setContentType("application/json");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
        response.flushBuffer();
    }

    /** Makes a value safe inside an RFC 7230 quoted-string of the challenge (and printable ASCII, RFC 6750 §3). */
    private static String quoted(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c <= 0x7e && c != '"' && c != '\\') {
                b.append(c);
            } else {
                b.append('?');
            }
        }
        return b.toString();
    }
}
