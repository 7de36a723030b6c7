package dev.keymint.sdk.spring;

import dev.keymint.sdk.RateLimitedException;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.security.web.AuthenticationEntryPoint;

/**
 * Answers a request refused for its key's {@code api_requests_per_minute} with {@code 429},
 * {@code Retry-After} (seconds) and {@code {"error":"rate_limited","error_description":"…"}}, like
 * the servlet filter; every other authentication failure goes to the delegate (by default Spring's
 * {@link BearerTokenAuthenticationEntryPoint}: 401 with {@code WWW-Authenticate: Bearer …}).
 *
 * <pre>{@code
 * http.oauth2ResourceServer(o -> o
 *         .jwt(j -> j.decoder(new KeymintJwtDecoder(verifier)))
 *         .authenticationEntryPoint(new KeymintAuthenticationEntryPoint()));
 * }</pre>
 *
 * Why an entry point: Spring calls the {@link org.springframework.security.oauth2.jwt.JwtDecoder}
 * inside its bearer token filter and sends every decoding failure to the resource server's entry
 * point; {@link KeymintJwtDecoder} carries the {@link RateLimitedException} as the cause, and this
 * is the one place that sees it with the response in hand.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6585#section-4">RFC 6585 §4 429 Too Many Requests</a>
 */
public final class KeymintAuthenticationEntryPoint implements AuthenticationEntryPoint {

    private final AuthenticationEntryPoint delegate;

    /** Delegates other failures to Spring's {@link BearerTokenAuthenticationEntryPoint}. */
    public KeymintAuthenticationEntryPoint() {
        this(new BearerTokenAuthenticationEntryPoint());
    }

    /** @param delegate answers every failure other than a rate limit */
    public KeymintAuthenticationEntryPoint(AuthenticationEntryPoint delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate cannot be null");
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException failure)
            throws IOException, ServletException {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof RateLimitedException limited) {
                byte[] body = ("{\"error\":\"" + limited.error() + "\",\"error_description\":\"" + limited.getMessage()
                        + "\"}").getBytes(StandardCharsets.UTF_8);
                response.setStatus(429);
                response.setHeader("Retry-After", Integer.toString(limited.retryAfterSeconds()));
                response.setHeader("Cache-Control", "no-store");
                response.setContentType("application/json");
                response.setContentLength(body.length);
                response.getOutputStream().write(body);
                return;
            }
        }
        delegate.commence(request, response, failure);
    }
}
