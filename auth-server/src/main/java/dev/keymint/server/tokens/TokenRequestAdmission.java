package dev.keymint.server.tokens;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.filter.ServerHttpObservationFilter;

/**
 * Lets a bounded number of token requests run at once and queues the rest in arrival order.
 *
 * <p>A token costs about a millisecond of CPU, nearly all of it the signature, and waits for
 * almost nothing, so more requests in flight than cores only adds context switches and cache
 * misses, in the JVM and in PostgreSQL. Worse, Tomcat serves a keep-alive connection's next
 * request on the thread that just answered it when the bytes are already there, so with few
 * worker threads some connections are answered in a millisecond while the rest wait; with many,
 * the scheduler slices the CPU between them. A fair semaphore gives every request its turn in
 * the order it arrived, so latency under load is the queue length times the service time, for
 * everyone. A request that waits longer than {@code maxWait} is answered 503
 * {@code temporarily_unavailable} with {@code Retry-After}: an overloaded server sheds load
 * instead of letting callers time out. The request body is read before the turn is taken, so
 * slow senders cannot occupy the turns.
 */
final class TokenRequestAdmission extends OncePerRequestFilter {

    private final Semaphore turns;
    private final long maxWaitNanos;
    private final OAuthErrorResponseHandler errors;

    TokenRequestAdmission(int limit, Duration maxWait, OAuthErrorResponseHandler errors) {
        this.turns = new Semaphore(limit, true);
        this.maxWaitNanos = maxWait.toNanos();
        this.errors = errors;
    }

    /** Token requests waiting for their turn right now (the {@code keymint.tokens.waiting} gauge). */
    int waiting() {
        return turns.getQueueLength();
    }

    /** Only POST does work; other methods are answered 405 at once. */
    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !"POST".equals(request.getMethod());
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        // The authorization server answers in a filter, where Spring MVC never names the route: without
        // this, http.server.requests would tag token requests uri="UNKNOWN", lumped with stray paths.
        ServerHttpObservationFilter.findObservationContext(request)
                .ifPresent(observation -> observation.setPathPattern(TokenEndpointSecurityConfiguration.TOKEN_ENDPOINT));
        // Read and parse the form body before taking a turn: a client that trickles its body
        // must hold a thread, not one of the few turns every other client is waiting for.
        request.getParameterMap();
        if (!awaitTurn()) {
            errors.write(response, new TokenOutcomes.Refusal(OAuth2ErrorCodes.TEMPORARILY_UNAVAILABLE, TokenOutcomes.BUSY,
                    "The server is busy; retry shortly", null));
            return;
        }
        try {
            chain.doFilter(request, response);
        } finally {
            turns.release();
        }
    }

    private boolean awaitTurn() {
        try {
            return turns.tryAcquire(maxWaitNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
