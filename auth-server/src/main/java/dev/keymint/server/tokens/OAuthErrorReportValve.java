package dev.keymint.server.tokens;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;

/**
 * Tomcat's own error report, for requests Tomcat refuses before any servlet or filter runs (a
 * header larger than {@code server.max-http-request-header-size}, a request URI that does not
 * decode, such as {@code /oauth/%00}): OAuth error JSON for {@code /oauth} paths, Tomcat's
 * default report for the rest. Installed as the host's error report valve by
 * {@link TokenEndpointSecurityConfiguration}; Tomcat instantiates it by class name.
 */
public final class OAuthErrorReportValve extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        String uri = request.getRequestURI();
        if (uri == null || !(uri.equals(OAuthErrorPages.OAUTH_PATHS) || uri.startsWith(OAuthErrorPages.OAUTH_PATHS + "/"))) {
            super.report(request, response, throwable);
            return;
        }
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        AtomicBoolean ioAllowed = new AtomicBoolean(true);
        response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
        if (!ioAllowed.get()) {
            return;
        }
        String error = status >= 500 ? "server_error" : "invalid_request";
        String description = status >= 500 ? "The server could not answer this request"
                : "The request was refused before it reached the token endpoint (HTTP " + status
                        + ": a malformed URL or headers larger than the server accepts)";
        try {
            response.setContentType("application/json");
            response.setCharacterEncoding(StandardCharsets.UTF_8.name());
            response.setHeader("Cache-Control", "no-store");
            response.setHeader("Pragma", "no-cache");
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write("{\"error\":\"" + error + "\",\"error_description\":\"" + description + "\"}");
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // The connection is gone or the response was committed meanwhile: nothing left to tell.
        }
    }
}
