package dev.keymint.server.web;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpStatus;
import tools.jackson.databind.json.JsonMapper;

/**
 * Answers the container's error page, {@code /error}, with RFC 9457 problem JSON instead of
 * Spring Boot's {@code {"timestamp","status","error","path"}}: when a request ended in
 * {@code sendError} or an uncaught exception, the body names only the status, never an exception
 * or the request. {@code /error} asked for directly is not an endpoint: 404. Errors of paths under
 * {@code /oauth/} pass on untouched, because the token endpoint answers in OAuth error JSON
 * (RFC 6749 §5.2), which is the tokens feature's to write.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9457">RFC 9457</a>
 */
final class ErrorPageProblems extends HttpFilter {

    static final String ERROR_PATH = "/error";

    private final JsonMapper json;

    ErrorPageProblems(JsonMapper json) {
        this.json = json;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        boolean error = request.getDispatcherType() == DispatcherType.ERROR;
        if (error && request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI) instanceof String failed
                && failed.startsWith("/oauth/")) {
            chain.doFilter(request, response);
            return;
        }
        HttpStatus status = error && request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE) instanceof Integer code
                && HttpStatus.resolve(code) != null && code >= 400 ? HttpStatus.valueOf(code) : HttpStatus.NOT_FOUND;
        response.resetBuffer();
        Problems.write(json, response, Problems.ofStatus(status.value()));
    }
}
