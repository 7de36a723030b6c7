package dev.keymint.server.shutdown;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.HttpHeaders;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The first step of stopping: for {@link ShutdownProperties#drain()} the server goes on answering
 * every request, on new and kept-alive connections alike, but each answer carries
 * {@code Connection: close}, so clients leave their pooled connections and take their next request
 * elsewhere; readiness already says {@code REFUSING_TRAFFIC} (Spring Boot publishes it when closing
 * begins), so load balancers stop sending new ones. Only then does the web server's graceful shutdown
 * stop accepting connections and finish the requests in progress.
 *
 * <p>Why: without it the graceful shutdown ends at once when no request is in progress and Tomcat
 * closes every kept-alive connection; a client that sent its next request on one in that instant
 * got a connection reset instead of an answer.
 */
final class ConnectionDrain extends OncePerRequestFilter implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ConnectionDrain.class);

    private final long drainMillis;
    private volatile boolean running;
    private volatile boolean draining;

    ConnectionDrain(ShutdownProperties properties) {
        this.drainMillis = properties.drain().toMillis();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (draining) {
            response.setHeader(HttpHeaders.CONNECTION, "close");
        }
        chain.doFilter(request, response);
    }

    @Override
    public void start() {
        draining = false;
        running = true;
    }

    @Override
    public void stop() {
        draining = true;
        if (drainMillis > 0) {
            log.info("Draining connections for {} ms before the web server stops accepting them", drainMillis);
            try {
                Thread.sleep(drainMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stopped before everything else, the web server's graceful shutdown included. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE;
    }
}
